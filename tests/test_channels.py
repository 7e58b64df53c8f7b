"""Channel actions: naming rules, membership, topics, archiving, DMs, and that private ones never leak."""

from __future__ import annotations

import pytest

from db.channel_queries import channel_member_ids, channel_view, is_member
from db.models import Channel, ChannelKind, ChannelMember, WorkspaceMember, WorkspaceRole
from db.sidebar_queries import sidebar_channel
from state.actions.channels import (
    archive_channel,
    clean_channel_name,
    create_channel,
    invite_to_channel,
    join_channel,
    leave_channel,
    open_direct,
    set_topic,
    unarchive_channel,
)
from state.actions.messages import send_message
from state.bus import channel_topic, user_topic, workspace_topic
from state.errors import Conflict, Forbidden, InvalidInput, NotFound
from state.events import ChannelCreated, ChannelUpdated, MemberJoined
from tests.factories import RecordingBackend, World, count_rows, update_row

pytestmark = pytest.mark.usefixtures('db')


@pytest.mark.parametrize(
    ('raw', 'clean'), [('Plan-Budget', 'plan-budget'), ('#dev_ops', 'dev_ops'), ('a' * 80, 'a' * 80)]
)
def test_channel_names_are_normalised(raw: str, clean: str) -> None:
    assert clean_channel_name(raw) == clean


@pytest.mark.parametrize(
    ('raw', 'message'),
    [
        ('', 'needs a name'),
        ('   ', 'needs a name'),
        ('two words', 'cannot contain spaces'),
        ('a' * 81, 'at most 80'),
        ('ünïcode', 'only contain lowercase'),
        ('dots.not.ok', 'only contain lowercase'),
        ('<script>', 'only contain lowercase'),
    ],
)
def test_bad_channel_names(world: World, published: RecordingBackend, raw: str, message: str) -> None:
    before = count_rows(Channel)
    with pytest.raises(InvalidInput, match=message):
        create_channel(world.ada, world.workspace, raw)
    assert count_rows(Channel) == before and published.items == []


def test_create_public_channel_announces_to_the_workspace(world: World, published: RecordingBackend) -> None:
    view = create_channel(world.bob, world.workspace, 'Design', topic='  pixels\nand fonts ')
    assert (view.name, view.kind, view.topic) == ('design', 'public', 'pixels and fonts')
    assert published.types() == [
        (workspace_topic(world.workspace), 'channel.created'),
        (channel_topic(view.id), 'member.joined'),
        (user_topic(world.bob), 'member.joined'),
    ]
    assert channel_member_ids(view.id) == [world.bob]


def test_private_channel_is_announced_to_its_members_only(world: World, published: RecordingBackend) -> None:
    view = create_channel(world.bob, world.workspace, 'hush', private=True)
    assert view.kind == 'private'
    topics = [topic for topic, _ in published.items]
    assert workspace_topic(world.workspace) not in topics
    assert published.types()[0] == (user_topic(world.bob), 'channel.created')


def test_duplicate_names_conflict(world: World, published: RecordingBackend) -> None:
    with pytest.raises(Conflict, match='#general already exists'):
        create_channel(world.bob, world.workspace, 'General')
    assert published.items == []


def test_outsiders_cannot_create_channels(world: World, published: RecordingBackend) -> None:
    with pytest.raises(NotFound):
        create_channel(world.eve, world.workspace, 'intruders')
    assert published.items == []


def test_join_public_starts_read_and_is_idempotent(world: World, published: RecordingBackend) -> None:
    send_message(world.ada, world.side, 'history', 'c-1')
    published.clear()
    join_channel(world.carl, world.side)
    assert published.types() == [
        (channel_topic(world.side), 'member.joined'),
        (user_topic(world.carl), 'member.joined'),
    ]
    event = published.items[0][1]
    assert isinstance(event, MemberJoined) and event.user.display_name == 'Carl'
    published.clear()
    join_channel(world.carl, world.side)
    assert published.items == []
    entry = sidebar_channel(world.carl, world.side)
    assert entry is not None and entry.unread_count == 0


def test_private_channels_cannot_be_joined_or_seen(world: World, published: RecordingBackend) -> None:
    with pytest.raises(NotFound):
        join_channel(world.carl, world.private)
    with pytest.raises(NotFound):
        join_channel(world.eve, world.general)
    assert published.items == [] and not is_member(world.carl, world.private)


def test_leave(world: World, published: RecordingBackend) -> None:
    leave_channel(world.bob, world.private)
    assert published.types() == [(channel_topic(world.private), 'member.left'), (user_topic(world.bob), 'member.left')]
    assert not is_member(world.bob, world.private)
    published.clear()
    with pytest.raises(Forbidden, match='general'):
        leave_channel(world.bob, world.general)
    with pytest.raises(NotFound):
        leave_channel(world.bob, world.private)  # no longer a member: cannot see it
    assert published.items == []


def test_invite_to_private_channel(world: World, published: RecordingBackend) -> None:
    invite_to_channel(world.bob, world.private, world.carl)
    assert published.types() == [
        (channel_topic(world.private), 'member.joined'),
        (user_topic(world.carl), 'member.joined'),
    ]
    assert is_member(world.carl, world.private)
    published.clear()
    with pytest.raises(NotFound):
        invite_to_channel(world.bob, world.private, world.eve)  # not in the workspace
    with pytest.raises(NotFound):
        invite_to_channel(world.eve, world.private, world.eve)
    assert published.items == []


def test_topic_changes(world: World, published: RecordingBackend) -> None:
    view = set_topic(world.ada, world.general, 'Company-wide')
    assert view.topic == 'Company-wide'
    assert published.types() == [(workspace_topic(world.workspace), 'channel.updated')]
    published.clear()
    set_topic(world.bob, world.private, 'quiet')
    assert sorted(published.types()) == [
        (user_topic(world.ada), 'channel.updated'),
        (user_topic(world.bob), 'channel.updated'),
    ]
    published.clear()
    set_topic(world.bob, world.private, 'quiet')
    assert published.items == []
    with pytest.raises(InvalidInput, match='at most 250'):
        set_topic(world.ada, world.general, 'x' * 251)
    with pytest.raises(NotFound):
        set_topic(world.carl, world.private, 'peek')
    assert published.items == []


def test_archive_is_for_admins_and_makes_channels_read_only(world: World, published: RecordingBackend) -> None:
    with pytest.raises(Forbidden, match='owners and admins'):
        archive_channel(world.bob, world.side)
    with pytest.raises(Forbidden, match='#general'):
        archive_channel(world.ada, world.general)
    assert published.items == []
    view = archive_channel(world.ada, world.side)
    assert view.archived
    assert published.types() == [(workspace_topic(world.workspace), 'channel.updated')]
    updated = published.of_type(ChannelUpdated)[0][1]
    assert updated.channel.archived
    with pytest.raises(Forbidden, match='archived'):
        send_message(world.ada, world.side, 'still here?', 'c-1')
    with pytest.raises(Forbidden, match='archived'):
        set_topic(world.ada, world.side, 'new')
    with pytest.raises(Forbidden, match='archived'):
        join_channel(world.bob, world.side)
    assert not unarchive_channel(world.ada, world.side).archived
    send_message(world.ada, world.side, 'back', 'c-2')


def test_admins_archive_too(world: World, published: RecordingBackend) -> None:
    update_row(WorkspaceMember, (world.workspace, world.bob), role=WorkspaceRole.ADMIN)
    assert archive_channel(world.bob, world.side).archived


def test_open_direct_creates_once_and_reuses(world: World, published: RecordingBackend) -> None:
    first = open_direct(world.ada, world.workspace, [world.bob])
    assert first.kind == 'direct' and first.member_ids == tuple(sorted([world.ada, world.bob]))
    assert sorted(published.types()) == sorted(
        [(user_topic(world.ada), 'channel.created'), (user_topic(world.bob), 'channel.created')]
    )
    assert all(isinstance(event, ChannelCreated) for _, event in published.items)
    published.clear()
    again = open_direct(world.bob, world.workspace, [world.ada, world.ada])
    assert again.id == first.id and published.items == []


def test_group_and_self_conversations(world: World, published: RecordingBackend) -> None:
    group = open_direct(world.ada, world.workspace, [world.bob, world.carl])
    assert group.kind == 'group' and len(group.member_ids) == 3
    note = open_direct(world.ada, world.workspace, [world.ada])
    assert note.kind == 'direct' and note.member_ids == (world.ada,)
    stored = channel_view(note.id)
    assert stored is not None and stored.kind == ChannelKind.DIRECT


def test_open_direct_refusals(world: World, published: RecordingBackend) -> None:
    with pytest.raises(InvalidInput, match='at least one'):
        open_direct(world.ada, world.workspace, [])
    with pytest.raises(NotFound, match='not in this workspace'):
        open_direct(world.ada, world.workspace, [world.eve])
    with pytest.raises(NotFound):
        open_direct(world.eve, world.workspace, [world.ada])
    with pytest.raises(InvalidInput, match='at most 9'):
        open_direct(world.ada, world.workspace, list(range(1000, 1009)))
    assert published.items == [] and count_rows(ChannelMember, user_id=world.eve) == 1  # eve's own #general


def test_direct_messages_cannot_be_left_or_archived(world: World, published: RecordingBackend) -> None:
    dm = open_direct(world.ada, world.workspace, [world.bob])
    with pytest.raises(Forbidden):
        leave_channel(world.ada, dm.id)
    with pytest.raises(InvalidInput):
        archive_channel(world.ada, dm.id)
    with pytest.raises(NotFound):
        send_message(world.carl, dm.id, 'let me in', 'c-1')
