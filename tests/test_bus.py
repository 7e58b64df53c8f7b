"""The topic bus: names, tab-bound subscriptions and their lifetime, counts, and JSON for other nodes."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from state.bus import (
    bus,
    channel_topic,
    presence_topic,
    thread_topic,
    typing_topic,
    user_topic,
    workspace_topic,
)
from state.events import Event, MessageCreated, TypingChanged, from_json, to_json
from tests.factories import sample_message_view


def typing_event() -> TypingChanged:
    return TypingChanged(channel_id=1, user_id=2, user_name='Ada', typing=True)


def test_topic_names_are_exactly_the_documented_ones() -> None:
    assert [
        workspace_topic(1),
        channel_topic(2),
        user_topic(3),
        typing_topic(4),
        presence_topic(5),
        thread_topic(6),
    ] == [
        'workspace:1',
        'channel:2',
        'user:3',
        'typing:4',
        'presence:5',
        'thread:6',
    ]


def test_events_survive_a_json_round_trip() -> None:
    view = sample_message_view()
    for event in (typing_event(), MessageCreated(workspace_id=1, message=view, mentioned_user_ids=(3,))):
        assert from_json(to_json(event)) == event


async def test_a_tab_subscription_ends_with_its_tab_and_an_owner_outlives_the_clicked_element(user: User) -> None:
    await user.open('/login')
    client = user.client
    assert client is not None
    seen: list[Event] = []
    with client:
        panel = ui.column()
        button = ui.button('switch')
    with button:  # as inside a click handler: the current slot is the clicked element's
        owned = bus.subscribe(typing_topic(1), seen.append, owner=panel)
        bound_to_button = bus.subscribe(typing_topic(1), seen.append)
    button.delete()
    bus.deliver_local(typing_topic(1), typing_event())
    assert len(seen) == 1  # the owner's subscription delivered; the deleted button's one ended
    assert bus.subscriber_count(typing_topic(1)) == 1

    handlers = len(client.delete_handlers)
    owned.cancel()
    assert len(client.delete_handlers) == handlers - 1  # cancelled subscriptions leave no handler behind
    assert bus.subscriber_count(typing_topic(1)) == 0
    bound_to_button.cancel()  # cancelling twice is harmless

    with client:
        bus.subscribe(user_topic(9), seen.append)
    assert bus.topic_counts().get(user_topic(9)) == 1
    client.delete()
    assert bus.subscriber_count(user_topic(9)) == 0


async def test_events_published_from_a_worker_thread_reach_subscribers_on_the_loop_in_order() -> None:
    import asyncio
    import threading

    from state.bus import Bus

    local = Bus()
    await local.start()
    seen: list[tuple[int, int]] = []

    def record(event: Event) -> None:
        assert isinstance(event, TypingChanged)
        seen.append((event.user_id, threading.get_ident()))

    local.subscribe('t', record, detached=True)
    typed = [TypingChanged(channel_id=1, thread_root_id=None, user_id=n, user_name='A', typing=True) for n in range(3)]

    def worker() -> None:
        for event in typed:
            local.publish('t', event)

    await asyncio.to_thread(worker)  # handed over before the thread's result, so delivered before we resume
    assert seen == [(n, threading.get_ident()) for n in range(3)]
    await local.stop()
