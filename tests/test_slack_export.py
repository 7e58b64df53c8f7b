"""Exporting a workspace in Slack's format, the round trip into a fresh server, and both CLI commands."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from api.slack.ids import channel_sid as api_channel_sid
from api.slack.ids import user_sid as api_user_sid
from db.engine import read_session
from db.models import Bookmark, Channel, ChannelKind, Message, Reaction, User
from main import cli
from state.actions.messages import edit_message, send_message
from state.actions.reactions import add_reaction
from state.actions.slack_archive import export_slack_archive
from state.errors import Forbidden
from state.slack_archive.export_ids import channel_sid, user_sid
from state.slack_archive.slack_text import to_slack
from tests import postgres_schemas
from tests import slack_export_fixture as fixture
from tests.factories import World, add_row

PASSWORD = 'correct horse battery'


def _zip_json(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def _history(world: World) -> None:
    root = send_message(world.ada, world.general, 'Plan for **today**, @Bob: see #side', 'c1')
    send_message(world.bob, world.general, 'On it', 'c2', thread_root_id=root.id)
    send_message(world.carl, world.general, 'Me too & <b>more</b>', 'c3', thread_root_id=root.id, also_in_channel=True)
    add_reaction(world.bob, root.id, 'thumbsup')
    add_reaction(world.carl, root.id, 'thumbsup')
    edited = send_message(world.bob, world.private, 'secret draft', 'c4')
    edit_message(world.bob, edited.id, 'secret final')
    add_row(Bookmark(channel_id=world.general, title='Docs', link='https://example.com/docs', created_by=world.ada))


def test_ids_are_the_web_apis() -> None:
    assert user_sid(12345) == api_user_sid(12345)
    for kind in ChannelKind:
        assert channel_sid(777, kind) == api_channel_sid(777, kind)


def test_text_becomes_slack_markup() -> None:
    text = to_slack(
        '**Hi** @Ada Lovelace & @Ada, ~~no~~ `**code** @Ada` in #general', {'Ada Lovelace': 'U1'}, {'general': 'C9'}
    )
    assert text == '*Hi* <@U1> &amp; @Ada, ~no~ `**code** @Ada` in <#C9|general>'


def test_export_writes_slacks_files(world: World, tmp_path: Path) -> None:
    _history(world)
    out = tmp_path / 'export.zip'
    report = export_slack_archive(world.ada, world.workspace, out)
    files = _zip_json(out)
    assert {'users.json', 'channels.json', 'groups.json', 'dms.json', 'mpims.json'} <= set(files)
    assert {c['name'] for c in files['channels.json']} == {'general', 'side'}
    assert [g['name'] for g in files['groups.json']] == ['secret']
    ada = next(u for u in files['users.json'] if u['id'] == user_sid(world.ada))
    assert ada['profile']['email'].endswith('@example.com') and not ada['is_bot']
    [day] = [name for name in files if name.startswith('general/')]
    messages = files[day]
    root = messages[0]
    assert (
        root['text'] == f'Plan for *today*, <@{user_sid(world.bob)}>: see <#{channel_sid(world.side, "public")}|side>'
    )
    assert root['reply_count'] == 2 and root['thread_ts'] == root['ts']
    assert root['reactions'] == [{'name': 'thumbsup', 'users': [user_sid(world.bob), user_sid(world.carl)], 'count': 2}]
    assert [m['thread_ts'] for m in messages[1:]] == [root['ts'], root['ts']]
    assert (
        messages[2]['subtype'] == 'thread_broadcast' and messages[2]['text'] == 'Me too &amp; &lt;b&gt;more&lt;/b&gt;'
    )
    [secret_day] = [name for name in files if name.startswith('secret/')]
    assert 'edited' in files[secret_day][0]
    assert files['teamchat/bookmarks.json'][0]['link'] == 'https://example.com/docs'
    assert any(p['user'] == user_sid(world.bob) for p in files['teamchat/read_positions.json'])
    assert report.counts['messages'] == 4


def test_only_owners_and_admins_may_export(world: World, tmp_path: Path) -> None:
    with pytest.raises(Forbidden):
        export_slack_archive(world.bob, world.workspace, tmp_path / 'x.zip')
    assert not (tmp_path / 'x.zip').exists()


def _snapshot(slug: str) -> dict[str, Any]:
    """What must survive a round trip: conversations, messages with authors, threads and reactions."""
    with read_session() as session:
        from db.models import Workspace

        workspace = session.exec(select(Workspace).where(Workspace.slug == slug)).one()
        channels = session.exec(select(Channel).where(Channel.workspace_id == workspace.id)).all()
        # People by e-mail; bots (whose addresses are random) by name.
        names = {
            u.id: u.display_name if u.email.endswith('.invalid') else u.email for u in session.exec(select(User)).all()
        }
        out: dict[str, Any] = {}
        for channel in channels:
            rows = session.exec(select(Message).where(Message.channel_id == channel.id).order_by(col(Message.id))).all()
            bodies = {row.id: row.body for row in rows}
            key = channel.name or ','.join(sorted(names[int(uid)] for uid in (channel.dm_key or '').split(',')))
            out[key] = {
                'kind': channel.kind,
                'topic': channel.topic,
                'messages': [
                    (
                        names[row.author_id],
                        row.body,
                        row.ts_us,
                        bodies.get(row.thread_root_id) if row.thread_root_id else None,
                        row.also_in_channel,
                        row.edited_at is not None,
                        sorted(
                            (r.emoji, names[r.user_id])
                            for r in session.exec(select(Reaction).where(Reaction.message_id == row.id)).all()
                        ),
                    )
                    for row in rows
                ],
            }
        return out


def test_round_trip_through_the_cli_into_a_fresh_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    """Slack export -> import here -> export -> import into a second, fresh server: the same history."""
    first, second = tmp_path / 'one', tmp_path / 'two'
    monkeypatch.setenv('CHAT_DATA_DIR', str(first))
    assert (
        cli(
            [
                'create-user',
                '--email',
                fixture.ADA_EMAIL,
                '--name',
                'Ada',
                '--password',
                PASSWORD,
                '--workspace',
                'Team',
            ]
        )
        == 0
    )
    assert cli(['import-slack', str(fixture.write_export(tmp_path / 'slack.zip')), '--workspace', 'Team']) == 0
    output = capsys.readouterr()
    assert 'imported 11 messages' in output.out and 'done' in output.err
    original = _snapshot('team')
    assert cli(['export', '--workspace', 'Team', '--out', str(tmp_path / 'ours.zip')]) == 0
    assert 'exported 11 messages' in capsys.readouterr().out

    monkeypatch.setenv('CHAT_DATA_DIR', str(second))
    postgres_url = postgres_schemas.configured_url()
    if postgres_url:  # the second server needs a database of its own there too
        schema = postgres_schemas.create_schema(postgres_url)
        request.addfinalizer(lambda: postgres_schemas.drop_schema(postgres_url, schema))
        monkeypatch.setenv('CHAT_DATABASE_URL', postgres_schemas.schema_url(postgres_url, schema))
    assert (
        cli(
            [
                'create-user',
                '--email',
                fixture.ADA_EMAIL,
                '--name',
                'Ada',
                '--password',
                PASSWORD,
                '--workspace',
                'Team',
            ]
        )
        == 0
    )
    assert cli(['import-slack', str(tmp_path / 'ours.zip'), '--workspace', 'Team']) == 0
    copied = _snapshot('team')
    assert copied == original
    with read_session() as session:  # the bot came back as one bot user, not one per id it had
        assert len([u for u in session.exec(select(User)).all() if u.email.endswith('@bots.invalid')]) == 1
    assert len(original['general']['messages']) == 7 and original['random']['topic'] == 'Anything <b>goes</b>'


def test_cli_refuses_a_hostile_archive_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv('CHAT_DATA_DIR', str(tmp_path / 'data'))
    assert (
        cli(['create-user', '--email', 'a@example.com', '--name', 'A', '--password', PASSWORD, '--workspace', 'W']) == 0
    )
    bad = fixture.write_members(tmp_path / 'bad.zip', {'../../escape.json': b'[]', 'users.json': b'[]'})
    assert cli(['import-slack', str(bad), '--workspace', 'W']) == 1
    err = capsys.readouterr().err
    assert 'unsafe name' in err and 'Traceback' not in err
    assert cli(['import-slack', str(tmp_path / 'missing.zip'), '--workspace', 'W']) == 1
    assert cli(['import-slack', str(bad), '--workspace', 'Nope']) == 1
