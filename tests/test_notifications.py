"""Notification preferences and who gets notified of what (mentions, DMs, followed threads; levels; mute)."""

from __future__ import annotations

import pytest

from components.notifier import notification_reason
from db.engine import read_session
from db.models import ChannelMember
from state.actions.channels import open_direct, set_notifications
from state.actions.messages import send_message
from state.bus import user_topic
from state.errors import InvalidInput, NotFound
from state.events import MessageCreated, NotificationsChanged
from state.stores.sidebar import SidebarStore
from tests.factories import RecordingBackend, World

pytestmark = pytest.mark.usefixtures('db')


def _member(channel_id: int, user_id: int) -> ChannelMember:
    with read_session() as session:
        member = session.get(ChannelMember, (channel_id, user_id))
    assert member is not None
    return member


def test_preferences_are_stored_and_announced_to_the_member_only(world: World, published: RecordingBackend) -> None:
    set_notifications(world.bob, world.general, 'all', True)
    member = _member(world.general, world.bob)
    assert (member.notification_level, member.muted) == ('all', True)
    assert published.items == [
        (
            user_topic(world.bob),
            NotificationsChanged(channel_id=world.general, user_id=world.bob, level='all', muted=True),
        )
    ]


def test_bad_preferences_change_nothing(world: World, published: RecordingBackend) -> None:
    with pytest.raises(InvalidInput):
        set_notifications(world.bob, world.general, 'loud', False)
    with pytest.raises(NotFound):
        set_notifications(world.carl, world.private, 'all', False)  # not a member of the private channel
    assert _member(world.general, world.bob).notification_level == 'mentions'  # the default for channels
    assert published.items == []


def test_who_is_notified_of_what(world: World, published: RecordingBackend) -> None:
    store = SidebarStore(world.bob, world.workspace)
    store.start()
    heard: list[MessageCreated] = []
    store.on_message(heard.append)
    general = store.entry(world.general)
    assert general is not None

    plain = send_message(world.ada, world.general, 'lunch?', 'c-1')
    mention = send_message(world.ada, world.general, 'ping @Bob', 'c-2')
    root = send_message(world.bob, world.general, 'my question', 'c-3')
    reply = send_message(world.ada, world.general, 'an answer', 'c-4', thread_root_id=root.id)
    dm = open_direct(world.ada, world.workspace, [world.bob])
    store.reload()
    direct = send_message(world.ada, dm.id, 'psst', 'c-5')

    # Each once, though the mention and the DM also arrive on Bob's own topic.
    assert [event.message.id for event in heard] == [plain.id, mention.id, reply.id, direct.id]
    by_id = {event.message.id: event for event in heard}
    reasons = {
        mid: notification_reason(event, store.entry(event.message.channel_id), world.bob)
        for mid, event in by_id.items()
    }
    assert reasons == {
        plain.id: None,  # channels notify on mentions by default
        mention.id: 'mentioned you in',
        reply.id: 'replied in a thread in',  # Bob started that thread
        direct.id: 'wrote in',
    }

    general.notification_level = 'all'
    assert notification_reason(by_id[plain.id], general, world.bob) == 'wrote in'
    general.muted = True
    assert notification_reason(by_id[mention.id], general, world.bob) is None
    store.stop()
