"""When this node's Redis subscription comes back, every open tab catches up from the database at once.

Another node's events published during the outage never reach this node (pub/sub keeps nothing); the bus then
delivers `BusResubscribed` on `RESYNC_TOPIC` locally (tests/test_bus_redis.py checks that part against a real
Redis). Here the missed events are simulated by a send whose events are dropped on the way to the tabs.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from nicegui.testing import User

from db import channel_queries
from state.actions.messages import send_message
from state.bus import RESYNC_TOPIC, bus
from state.events import BusResubscribed, MessageView
from state.stores.sidebar import sidebar_store
from tests.test_workspace_shell import message_lists, open_as, setup_workspace


async def test_a_resubscribed_bus_makes_open_tabs_fetch_what_they_missed(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada_id, bob_id, general_id, slug = setup_workspace()
    await open_as(user, 'ada@example.com', f'/w/{slug}')
    [listing] = message_lists(user)
    before = listing.newest_id
    view = channel_queries.channel_view(general_id)
    assert view is not None
    entry = sidebar_store(ada_id, view.workspace_id).entry(general_id)
    assert entry is not None and entry.unread_count == 0

    with monkeypatch.context() as lost:  # published on another node while this one heard nothing
        lost.setattr(bus.backend, 'publish', lambda items: None)
        missed = send_message(bob_id, general_id, 'sent during the outage', 'c-missed')
    assert listing.newest_id == before and entry.unread_count == 0  # the tab did not hear of it

    bus.deliver_local(RESYNC_TOPIC, BusResubscribed(node_id='this'))
    assert listing.newest_id == missed.id
    assert entry.unread_count == 1  # the sidebar was read again too


async def test_the_catch_up_also_fetches_what_came_before_this_nodes_own_messages(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the subscription is down the sender's tab still gets its own message (the action's answer and the
    bus's local delivery), newer than the other node's it missed: the catch-up must start before it."""
    ada_id, bob_id, general_id, slug = setup_workspace()
    await open_as(user, 'ada@example.com', f'/w/{slug}')
    [listing] = message_lists(user)
    with monkeypatch.context() as outage:
        outage.setattr(bus.backend, 'subscribed', False, raising=False)  # as the Redis backend says during one
        outage.setattr(bus.backend, 'publish', lambda items: None)  # Bob's node: its events never arrive here
        missed = send_message(bob_id, general_id, 'Bob, during the outage', 'c-bob')
        own = send_message(ada_id, general_id, 'Ada, during the outage', 'c-ada')
        listing.append(own, sent_here=True)  # the composer's send handler with the action's answer
        listing.append(own)  # this node's own bus delivery, local and at once
        assert listing.newest_id < missed.id < own.id

    fetched: list[int] = []
    extend = listing.extend

    def spy(messages: Sequence[MessageView], *, has_more: bool) -> None:
        fetched.extend(m.id for m in messages)
        extend(messages, has_more=has_more)

    monkeypatch.setattr(listing, 'extend', spy)
    bus.deliver_local(RESYNC_TOPIC, BusResubscribed(node_id='this'))
    assert fetched == [missed.id, own.id]  # the browser shows its own once and puts Bob's before it (message_list.js)
    assert listing.newest_id == own.id
    listing.append(missed)  # with the bus back, deliveries move the cursor again (and a repeat is not shown twice)
    assert listing.newest_id == own.id
