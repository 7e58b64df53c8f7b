"""Live stores stay equal to a fresh load, after every kind of event (in the spirit of Zulip's verify_action).

Each case applies actions while the live stores a tab holds (every person's sidebar, the workspace roster) follow
the bus, then builds the same stores anew from the database and compares them field by field. A store that
misses, double-counts or misapplies an event differs from the fresh load and fails here. Each case also checks
that its actions published the event kinds it is about, so a case cannot pass by changing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple
from datetime import timedelta

import pytest

from db.directory_queries import workspace_people
from state.actions import channels, messages, profile, reactions, reads, workspaces
from state.stores import roster as roster_store
from state.stores.sidebar import ChannelEntry, SidebarStore, sidebar_store
from tests.factories import RecordingBackend, World, make_user


def _entry_fields(entry: ChannelEntry) -> tuple[object, ...]:
    return astuple(entry)


def _sidebar_snapshot(store: SidebarStore) -> list[tuple[object, ...]]:
    return [_entry_fields(entry) for entry in store.entries()]


def _fresh_sidebar(user_id: int, workspace_id: int) -> list[tuple[object, ...]]:
    fresh = SidebarStore(user_id, workspace_id)
    fresh.reload()  # from the database only: never subscribed
    return _sidebar_snapshot(fresh)


def _mention(w: World) -> None:
    messages.send_message(w.ada, w.general, '@Bob and @Carl, look', None)


def _thread(w: World) -> None:
    root = messages.send_message(w.ada, w.general, 'root', None)
    messages.send_message(w.bob, w.general, 'reply', None, root.id)
    messages.send_message(w.carl, w.general, 'broadcast', None, root.id, also_in_channel=True)


def _edit_and_delete(w: World) -> None:
    first = messages.send_message(w.ada, w.general, 'first @Bob', None)
    second = messages.send_message(w.ada, w.general, 'second', None)
    messages.edit_message(w.ada, first.id, 'first, no mention')
    messages.delete_message(w.ada, second.id)


def _read_and_unread(w: World) -> None:
    ids = [messages.send_message(w.ada, w.general, f'm{n}', None).id for n in range(3)]
    reads.mark_read(w.bob, w.general, ids[1])
    reads.mark_unread(w.carl, w.general, ids[0])
    reads.mark_read(w.carl, w.general, ids[2])


def _react(w: World) -> None:
    message = messages.send_message(w.bob, w.general, 'react to me', None)
    reactions.toggle_reaction(w.ada, message.id, 'tada')


def _channels(w: World) -> None:
    fresh = channels.create_channel(w.ada, w.workspace, 'fresh', topic='hello')
    channels.join_channel(w.bob, fresh.id)
    channels.invite_to_channel(w.ada, w.private, w.carl)
    channels.set_topic(w.ada, w.general, 'new topic')
    channels.archive_channel(w.ada, w.side)
    channels.leave_channel(w.bob, w.private)


def _direct(w: World) -> None:
    dm = channels.open_direct(w.ada, w.workspace, [w.bob])
    group = channels.open_direct(w.carl, w.workspace, [w.ada, w.bob])
    messages.send_message(w.ada, dm.id, 'just you', None)
    messages.send_message(w.carl, group.id, 'all of us', None)


def _notifications(w: World) -> None:
    channels.set_notifications(w.bob, w.general, 'mentions', True)
    messages.send_message(w.ada, w.general, 'while muted', None)


def _people(w: World) -> None:
    token = workspaces.create_invite(w.ada, w.workspace, timedelta(hours=1), 5)
    newcomer = make_user('Nia')
    assert newcomer.id is not None
    workspaces.accept_invite(newcomer.id, token)
    profile.set_status(w.bob, 'on holiday', 'palm_tree')
    messages.send_message(newcomer.id, w.general, 'hi all', None)


CASES: dict[str, tuple[Callable[[World], None], set[str]]] = {
    'mention': (_mention, {'message.created'}),
    'thread': (_thread, {'message.created', 'thread.replied'}),
    'edit and delete': (_edit_and_delete, {'message.updated', 'message.deleted'}),
    'read and unread': (_read_and_unread, {'read.moved'}),
    'reaction': (_react, {'reaction.changed'}),
    'channels': (_channels, {'channel.created', 'channel.updated', 'member.joined', 'member.left'}),
    'direct': (_direct, {'channel.created', 'message.created'}),
    'notifications': (_notifications, {'notifications.changed', 'message.created'}),
    'people': (_people, {'member.joined', 'user.changed'}),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_live_stores_equal_a_fresh_load(name: str, world: World, published: RecordingBackend) -> None:
    apply, kinds = CASES[name]
    people = (world.ada, world.bob, world.carl)
    live = {person: sidebar_store(person, world.workspace) for person in people}
    roster_store.roster(world.workspace)  # followed from now on, like a tab's
    apply(world)
    assert kinds <= {event.type for _, event in published.items}
    for person, store in live.items():
        assert _sidebar_snapshot(store) == _fresh_sidebar(person, world.workspace), f'sidebar of user {person}'
    assert dict(roster_store.roster(world.workspace).names) == workspace_people(world.workspace)
