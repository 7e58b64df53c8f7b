"""Pins and saved items: who may, what is announced where, and what vanishes with deletion or lost access."""

from __future__ import annotations

import pytest

from db.models import Pin, SavedItem
from db.pin_queries import pinned_ids, pinned_messages, saved_ids_in_channel, saved_messages
from state.actions.channels import leave_channel, remove_from_channel
from state.actions.messages import delete_message, edit_message, send_message
from state.actions.pins import pin_message, unpin_message
from state.actions.saved import save_message, set_saved_done, unsave_message
from state.bus import channel_topic, user_topic
from state.errors import Conflict, Forbidden, NotFound
from state.events import PinsChanged, SavedChanged
from tests.factories import RecordingBackend, World, count_rows

pytestmark = pytest.mark.usefixtures('db')


def test_a_member_pins_and_the_channel_hears_the_list(world: World, published: RecordingBackend) -> None:
    first = send_message(world.ada, world.private, 'one', 'c-1')
    second = send_message(world.ada, world.private, 'two', 'c-2')
    published.clear()
    pin_message(world.bob, first.id)
    pin_message(world.ada, second.id)
    assert published.types() == [(channel_topic(world.private), 'pins.changed')] * 2
    assert published.of_type(PinsChanged)[-1][1].message_ids == (second.id, first.id)
    with pytest.raises(Conflict):
        pin_message(world.ada, first.id)
    assert [p.message.id for p in pinned_messages(world.private)] == [second.id, first.id]
    unpin_message(world.ada, first.id)
    assert pinned_ids(world.private) == (second.id,)
    with pytest.raises(NotFound):
        unpin_message(world.ada, first.id)


def test_outsiders_and_non_members_cannot_pin(world: World) -> None:
    secret = send_message(world.ada, world.private, 'secret', 'c-1')
    side = send_message(world.ada, world.side, 'side', 'c-2')
    with pytest.raises(NotFound):  # a private channel of others: as if it did not exist
        pin_message(world.carl, secret.id)
    with pytest.raises(NotFound):
        pin_message(world.eve, side.id)
    with pytest.raises(Forbidden):  # a public channel they only can see: join first
        pin_message(world.carl, side.id)
    assert count_rows(Pin) == 0


def test_pins_survive_edits_and_vanish_with_deletion(world: World, published: RecordingBackend) -> None:
    message = send_message(world.bob, world.general, 'pin me', 'c-1')
    pin_message(world.ada, message.id)
    save_message(world.carl, message.id)
    edit_message(world.bob, message.id, 'pinned still')
    assert pinned_ids(world.general) == (message.id,)
    assert pinned_messages(world.general)[0].message.body == 'pinned still'
    published.clear()
    delete_message(world.bob, message.id)
    assert pinned_ids(world.general) == () and count_rows(Pin) == 0
    assert (channel_topic(world.general), 'pins.changed') in published.types()
    assert (user_topic(world.carl), 'saved.changed') in published.types()
    assert count_rows(SavedItem) == 0 and saved_messages(world.carl, world.workspace) == []


def test_anyone_who_may_read_saves_for_themselves(world: World, published: RecordingBackend) -> None:
    side = send_message(world.ada, world.side, 'read me later', 'c-1')
    published.clear()
    save_message(world.carl, side.id)  # a public channel carl has not joined: readable, so saveable
    assert published.types() == [(user_topic(world.carl), 'saved.changed')]
    assert published.of_type(SavedChanged)[0][1].saved
    with pytest.raises(Conflict):
        save_message(world.carl, side.id)
    assert [item.message.id for item in saved_messages(world.carl, world.workspace)] == [side.id]
    assert saved_ids_in_channel(world.carl, world.side) == (side.id,)
    assert saved_ids_in_channel(world.carl, world.general) == ()
    assert saved_messages(world.ada, world.workspace) == []  # saved items are personal
    set_saved_done(world.carl, side.id, True)
    assert saved_messages(world.carl, world.workspace, include_done=False) == []
    assert saved_messages(world.carl, world.workspace)[0].done_at is not None
    unsave_message(world.carl, side.id)
    assert saved_messages(world.carl, world.workspace) == []
    with pytest.raises(NotFound):
        unsave_message(world.carl, side.id)


def test_outsiders_cannot_save(world: World) -> None:
    secret = send_message(world.ada, world.private, 'secret', 'c-1')
    with pytest.raises(NotFound):
        save_message(world.carl, secret.id)
    with pytest.raises(NotFound):
        save_message(world.eve, secret.id)
    assert count_rows(SavedItem) == 0


def test_a_removed_member_no_longer_sees_what_they_saved(world: World) -> None:
    secret = send_message(world.ada, world.private, 'secret', 'c-1')
    save_message(world.bob, secret.id)
    assert len(saved_messages(world.bob, world.workspace)) == 1
    remove_from_channel(world.ada, world.private, world.bob)
    assert saved_messages(world.bob, world.workspace) == []  # filtered at read time: no stale rows shown
    with pytest.raises(NotFound):
        set_saved_done(world.bob, secret.id, True)


def test_leaving_a_private_channel_hides_its_saved_messages(world: World) -> None:
    secret = send_message(world.ada, world.private, 'secret', 'c-1')
    save_message(world.bob, secret.id)
    leave_channel(world.bob, world.private)
    assert saved_messages(world.bob, world.workspace) == []


def test_the_creator_may_remove_people_but_members_may_not(world: World) -> None:
    from state.actions.channels import create_channel, invite_to_channel

    channel = create_channel(world.bob, world.workspace, 'bobs', private=True)
    invite_to_channel(world.bob, channel.id, world.carl)
    invite_to_channel(world.carl, channel.id, world.ada)  # any member may add people
    with pytest.raises(Forbidden):
        remove_from_channel(world.carl, channel.id, world.ada)
    remove_from_channel(world.bob, channel.id, world.carl)  # the creator
    remove_from_channel(world.ada, channel.id, world.bob)  # a workspace owner
