"""Importing a Slack export: what arrives (people, conversations, history, threads, reactions, edits, markup),
that a second import adds nothing, and that hostile archives change nothing and say why."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from db.engine import read_session, session_scope
from db.models import (
    Channel,
    ChannelKind,
    ChannelMember,
    Mention,
    Message,
    Reaction,
    SlackImportMap,
    User,
    WorkspaceMember,
)
from state.actions.messages import send_message
from state.actions.slack_archive import import_slack_export
from state.errors import Forbidden, NotFound
from state.events import WorkspaceImported
from state.security import UNUSABLE_PASSWORD
from state.slack_archive.archive import ArchiveRefused, Limits
from state.slack_archive.report import ImportReport
from state.stores import roster as roster_store
from state.stores.sidebar import sidebar_store
from tests import slack_export_fixture as fixture
from tests.factories import RecordingBackend, World, make_user, make_workspace


def _channel(workspace_id: int, name: str) -> Channel:
    with read_session() as session:
        return session.exec(select(Channel).where(Channel.workspace_id == workspace_id, Channel.name == name)).one()


def _messages(channel_id: int) -> list[Message]:
    with read_session() as session:
        return list(session.exec(select(Message).where(Message.channel_id == channel_id).order_by(col(Message.id))))


def _user(email: str) -> User:
    with read_session() as session:
        return session.exec(select(User).where(User.email == email)).one()


def _count(model: type) -> int:
    with read_session() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


@pytest.fixture
def target(db: None) -> tuple[int, int]:
    """A workspace owned by Ada, whose account exists already (the import matches her by e-mail)."""
    ada = make_user('Ada', email=fixture.ADA_EMAIL)
    workspace = make_workspace(ada, 'Imported', slug='imported')
    assert ada.id is not None and workspace.id is not None
    return workspace.id, ada.id


def _import(workspace_id: int, path: Path, actor: int | None = None, **kwargs: object) -> ImportReport:
    return import_slack_export(actor, workspace_id, path, **kwargs)  # type: ignore[arg-type]


def test_people_are_matched_by_email_or_created_without_a_password(target: tuple[int, int], tmp_path: Path) -> None:
    workspace_id, ada_id = target
    report = _import(workspace_id, fixture.write_export(tmp_path / 'export.zip'))
    assert _user(fixture.ADA_EMAIL).id == ada_id  # matched, not duplicated
    bob = _user('bob@example.com')
    assert bob.password_hash == UNUSABLE_PASSWORD and bob.display_name == 'Bob' and bob.is_active
    assert not _user('dan@example.com').is_active  # deleted in Slack
    with read_session() as session:
        members = set(session.exec(select(WorkspaceMember.user_id).where(WorkspaceMember.workspace_id == workspace_id)))
    assert bob.id in members and ada_id in members
    assert report.imported['people matched by e-mail'] == 1


def test_conversations_keep_topics_purposes_kinds_and_members(target: tuple[int, int], tmp_path: Path) -> None:
    workspace_id, ada_id = target
    _import(workspace_id, fixture.write_export(tmp_path / 'export.zip'))
    general = _channel(workspace_id, 'general')  # Slack's #general is ours
    assert general.purpose == 'Company-wide announcements'
    assert _channel(workspace_id, 'random').topic == 'Anything <b>goes</b>'  # a topic is text: escaped when shown
    plans = _channel(workspace_id, 'secret-plans')
    assert plans.kind == ChannelKind.PRIVATE and plans.purpose == 'Only the two of us'
    bob_id = _user('bob@example.com').id
    with read_session() as session:
        plan_members = set(session.exec(select(ChannelMember.user_id).where(ChannelMember.channel_id == plans.id)))
        directs = list(session.exec(select(Channel).where(Channel.workspace_id == workspace_id, Channel.name == None)))  # noqa: E711
    assert plan_members == {ada_id, bob_id}  # Cy is not in the private channel
    kinds = sorted(channel.kind for channel in directs)
    assert kinds == [ChannelKind.DIRECT, ChannelKind.GROUP]
    dm = next(channel for channel in directs if channel.kind == ChannelKind.DIRECT)
    assert dm.dm_key == ','.join(str(uid) for uid in sorted([ada_id, bob_id or 0]))


def test_history_arrives_in_time_order_with_threads_edits_reactions_and_markup(
    target: tuple[int, int], tmp_path: Path
) -> None:
    workspace_id, _ = target
    report = _import(workspace_id, fixture.write_export(tmp_path / 'export.zip'))
    general = _channel(workspace_id, 'general')
    rows = _messages(general.id or 0)
    assert [row.ts_us for row in rows] == sorted(row.ts_us for row in rows)  # ids increase with ts
    root = rows[0]
    assert root.ts_us == 1704189600_000100
    assert root.created_at.timestamp() == pytest.approx(1704189600.0001)
    # Mentions, channel links and URLs in our markup; Slack's *bold* is ours **bold**.
    assert root.body == 'Hello @Bob, see #random and the docs (https://example.com/docs) **now**'
    assert f'/w/imported/c/{_channel(workspace_id, "random").id}' in root.html
    assert '<strong>now</strong>' in root.html and 'https://example.com/docs' in root.html
    bob_id = _user('bob@example.com').id
    with read_session() as session:
        mentions = list(session.exec(select(Mention.user_id).where(Mention.message_id == root.id)))
        reactions = list(session.exec(select(Reaction.emoji, Reaction.user_id).where(Reaction.message_id == root.id)))
    assert mentions == [bob_id]
    assert sorted(emoji for emoji, _ in reactions) == ['thumbsup', 'thumbsup']  # Slack's +1, canonical
    assert report.skipped['reactions with custom or unknown emoji'] == 1
    replies = [row for row in rows if row.thread_root_id == root.id]
    assert [reply.body for reply in replies] == ['A reply in the thread', 'Second reply, a day later']
    assert root.reply_count == 2 and root.last_reply_at == replies[-1].created_at
    edited = next(row for row in rows if row.body.startswith('Typo fixed'))
    assert edited.edited_at is not None and edited.edited_at.timestamp() == 1704189660
    # HTML in a message is text: the renderer escapes it.
    assert '<script>' not in edited.html and '<img' not in edited.html and '&lt;script&gt;' in edited.html
    bot_post = next(row for row in rows if 'Deployed' in row.body)
    assert bot_post.body == 'Deployed **v1.2** to production'
    with read_session() as session:
        bot = session.get(User, bot_post.author_id)
    assert bot is not None and bot.display_name == 'Deploy Bot' and bot.email.endswith('@bots.invalid')
    assert report.imported['bot users'] == 1  # users.json's bot and the posts' bot id are one bot user
    file_post = next(row for row in rows if row.body.startswith('Here is the file'))
    assert 'plan.pdf: https://files.slack.com/files-pri/T0/F0FILE001/plan.pdf' in file_post.body
    assert general.last_message_id == max(row.id or 0 for row in rows if row.thread_root_id is None)
    assert len(rows) == 7  # the join notice and the unknown person's message are not history
    assert report.skipped['messages by people missing from users.json'] == 1
    assert report.imported['messages'] == 11 and report.imported['thread replies'] == 2


def test_imported_history_is_read_for_the_people_it_brought_in(target: tuple[int, int], tmp_path: Path) -> None:
    workspace_id, _ = target
    _import(workspace_id, fixture.write_export(tmp_path / 'export.zip'))
    random = _channel(workspace_id, 'random')
    bob_id = _user('bob@example.com').id
    with read_session() as session:
        bob_in_random = session.get(ChannelMember, (random.id, bob_id))
    assert bob_in_random is not None and bob_in_random.last_read_message_id == random.last_message_id > 0


def test_who_had_read_everything_has_read_the_import_and_unread_stays_unread(
    target: tuple[int, int], tmp_path: Path
) -> None:
    workspace_id, ada_id = target
    zed_id = make_user('Zed', email='zed@example.com').id or 0
    general = _channel(workspace_id, 'general')
    with session_scope() as session:
        session.add(WorkspaceMember(workspace_id=workspace_id, user_id=zed_id))
        session.add(ChannelMember(channel_id=general.id or 0, user_id=zed_id))
    before = send_message(ada_id, general.id or 0, 'Before the import', 'c1')  # Ada has read it, Zed has not
    _import(workspace_id, fixture.write_export(tmp_path / 'export.zip'))
    newest = _channel(workspace_id, 'general').last_message_id
    with read_session() as session:
        ada_read = session.get(ChannelMember, (general.id, ada_id))
        zed_read = session.get(ChannelMember, (general.id, zed_id))
    assert ada_read is not None and ada_read.last_read_message_id == newest > before.id
    assert zed_read is not None and zed_read.last_read_message_id == 0


def test_a_second_import_adds_nothing(target: tuple[int, int], tmp_path: Path) -> None:
    workspace_id, _ = target
    path = fixture.write_export(tmp_path / 'export.zip')
    _import(workspace_id, path)
    counts = {model: _count(model) for model in (User, Channel, ChannelMember, Message, Reaction, SlackImportMap)}
    again = _import(workspace_id, path)
    assert {model: _count(model) for model in counts} == counts
    assert again.imported['messages'] == 0 and again.already['messages'] == 11


def test_the_import_announces_itself_once_not_per_message(
    target: tuple[int, int], tmp_path: Path, published: RecordingBackend
) -> None:
    workspace_id, _ = target
    _import(workspace_id, fixture.write_export(tmp_path / 'export.zip'))
    assert published.types() == [(f'workspace:{workspace_id}', 'workspace.imported')]
    assert isinstance(published.items[0][1], WorkspaceImported)


def test_only_owners_and_admins_may_import(world: World, tmp_path: Path) -> None:
    path = fixture.write_export(tmp_path / 'export.zip')
    with pytest.raises(Forbidden):
        _import(world.workspace, path, actor=world.bob)
    with pytest.raises(NotFound):
        _import(world.workspace, path, actor=world.eve)  # an outsider learns nothing
    assert _count(SlackImportMap) == 0
    assert _import(world.workspace, path, actor=world.ada).imported['messages'] == 11


def test_progress_is_reported(target: tuple[int, int], tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    _import(target[0], fixture.write_export(tmp_path / 'export.zip'), progress=lambda *step: seen.append(step))
    assert seen[-1] == (5, 5, 'done')
    assert any('of 9 messages' in what for _, _, what in seen)  # general's 9 entries


# ---- hostile and broken archives ----------------------------------------------------------------------------


def _refused(workspace_id: int, path: Path, match: str, limits: Limits | None = None) -> None:
    before = {model: _count(model) for model in (User, Channel, Message, SlackImportMap)}
    with pytest.raises(ArchiveRefused, match=match):
        _import(workspace_id, path, limits=limits)
    assert {model: _count(model) for model in before} == before  # nothing at all was written


def _with_extra(path: Path, name: str, data: bytes, *, mode: int | None = None) -> Path:
    fixture.write_export(path)
    with zipfile.ZipFile(path, 'a') as archive:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        if mode is not None:
            info.external_attr = mode << 16
        archive.writestr(info, data)
    return path


@pytest.mark.parametrize('name', ['../evil.json', '/etc/passwd', 'general/../../x.json', 'C:/win.json', 'a\\b.json'])
def test_unsafe_member_names_refuse_the_archive(target: tuple[int, int], tmp_path: Path, name: str) -> None:
    _refused(target[0], _with_extra(tmp_path / 'x.zip', name, b'[]'), 'unsafe name')


def test_a_symlink_refuses_the_archive(target: tuple[int, int], tmp_path: Path) -> None:
    path = _with_extra(tmp_path / 'x.zip', 'general/2024-01-05.json', b'/etc/passwd', mode=stat.S_IFLNK | 0o777)
    _refused(target[0], path, 'symbolic link')


def test_a_zip_bomb_is_refused_before_it_is_read(target: tuple[int, int], tmp_path: Path) -> None:
    path = _with_extra(tmp_path / 'x.zip', 'general/2024-01-05.json', b'[' + b' ' * 20_000_000 + b']')
    _refused(target[0], path, 'zip bomb')


def test_a_member_over_the_size_limit_is_refused(target: tuple[int, int], tmp_path: Path) -> None:
    path = fixture.write_export(tmp_path / 'x.zip')
    _refused(target[0], path, 'the limit is', Limits(max_member_bytes=500))


def test_a_member_that_lies_about_its_size_stops_at_the_limit(target: tuple[int, int], tmp_path: Path) -> None:
    """The directory's sizes are only a claim: a member bigger than it says is never taken for what it says
    (the read stops at the limit, and zipfile stops at the claimed size and fails its CRC); here users.json,
    so the archive is refused (a day file would be skipped)."""
    files = fixture.members()
    files['users.json'][0]['padding'] = 'x' * 5000  # the largest member, by far
    path = fixture.write_members(tmp_path / 'x.zip', files)
    data = bytearray(path.read_bytes())
    # Patch the central directory's uncompressed size of users.json down to 1 byte.
    marker = b'PK\x01\x02'
    offset = data.find(marker)
    while offset != -1:
        name_len = int.from_bytes(data[offset + 28 : offset + 30], 'little')
        if data[offset + 46 : offset + 46 + name_len] == b'users.json':
            data[offset + 24 : offset + 28] = (1).to_bytes(4, 'little')
        offset = data.find(marker, offset + 4)
    path.write_bytes(bytes(data))
    _refused(target[0], path, 'cannot be read|larger than', Limits(max_member_bytes=3000))


def test_not_a_zip_and_not_an_export_are_refused(target: tuple[int, int], tmp_path: Path) -> None:
    garbage = tmp_path / 'garbage.zip'
    garbage.write_bytes(b'this is no zip')
    _refused(target[0], garbage, 'not a zip')
    _refused(target[0], fixture.write_members(tmp_path / 'other.zip', {'readme.txt': b'hello'}), 'not a Slack export')
    files = fixture.members()
    files['users.json'] = b'{not json'
    _refused(target[0], fixture.write_members(tmp_path / 'bad.zip', files), 'not JSON')
    files['users.json'] = {'users': []}
    _refused(target[0], fixture.write_members(tmp_path / 'shape.zip', files), 'not a list')


def test_broken_day_files_and_entries_are_skipped_with_reasons(target: tuple[int, int], tmp_path: Path) -> None:
    files = fixture.members()
    files['random/2024-01-02.json'] = b'<html>not json</html>'
    files['random/2024-01-04.json'] = {'not': 'a list'}
    files['general/2024-01-03.json'] = [42, {'type': 'message', 'user': fixture.BOB, 'text': 'no ts'}]
    files['users.json'] = [*files['users.json'], 'not a user', {'id': '../../etc'}]
    report = _import(target[0], fixture.write_members(tmp_path / 'x.zip', files))
    assert report.skipped['day files that are not readable JSON'] == 1
    assert report.skipped['day files that are not a list of messages'] == 1
    assert report.skipped['entries that are not usable messages'] == 2
    assert report.skipped['users.json entries that are not usable'] == 2
    assert report.imported['messages'] == 11 - 1 - 2  # random's one message and general's second day
    assert any('not JSON' in line for line in report.lines())


def test_deep_nesting_is_a_skipped_file_not_a_crash(target: tuple[int, int], tmp_path: Path) -> None:
    files = fixture.members()
    files['random/2024-01-02.json'] = b'[' * 100_000 + b']' * 100_000
    report = _import(target[0], fixture.write_members(tmp_path / 'x.zip', files))
    assert report.skipped['day files that are not readable JSON'] == 1


def test_text_too_long_is_cut_and_reported(target: tuple[int, int], tmp_path: Path) -> None:
    files = fixture.members()
    files['random/2024-01-02.json'] = [
        {'type': 'message', 'user': fixture.BOB, 'text': 'x' * 9000, 'ts': '1704189600.000700'}
    ]
    report = _import(target[0], fixture.write_members(tmp_path / 'x.zip', files))
    [row] = _messages(_channel(target[0], 'random').id or 0)
    assert len(row.body) == 4000 and any('cut to' in reason for reason in report.skipped)


def test_bad_channel_names_are_made_ours(target: tuple[int, int], tmp_path: Path) -> None:
    files = fixture.members()
    files['channels.json'][1]['name'] = 'Random Stuff!'
    files['Random Stuff!/2024-01-02.json'] = files.pop('random/2024-01-02.json')
    _import(target[0], fixture.write_members(tmp_path / 'x.zip', files))
    assert len(_messages(_channel(target[0], 'random-stuff').id or 0)) == 1


def test_the_report_reads_as_lines(target: tuple[int, int], tmp_path: Path) -> None:
    report = _import(target[0], fixture.write_export(tmp_path / 'export.zip'))
    text = '\n'.join(report.lines())
    assert 'imported 11 messages' in text
    assert 'skipped 1: messages by people missing from users.json (e.g. U0GHOST99' in text
    json.dumps(report.lines())  # plain strings, for the admin tab too


def test_open_sidebars_and_the_roster_reload_on_the_summary(
    target: tuple[int, int], tmp_path: Path, published: RecordingBackend
) -> None:
    workspace_id, ada_id = target
    store = sidebar_store(ada_id, workspace_id)
    people = roster_store.roster(workspace_id)
    assert {entry.name for entry in store.entries()} == {'general'}
    _import(workspace_id, fixture.write_export(tmp_path / 'export.zip'))
    assert {'random', 'secret-plans'} <= {entry.name for entry in store.entries()}
    assert 'Bob' in roster_store.roster(workspace_id).names.values() and 'Bob' not in people.names.values()
