"""When this node's Redis subscription comes back, every open tab catches up from the database at once.

Another node's events published during the outage never reach this node (pub/sub keeps nothing); the bus then
delivers `BusResubscribed` on `RESYNC_TOPIC` locally (tests/test_bus_redis.py checks that part against a real
Redis). Here the missed events are simulated by a send whose events are dropped on the way to the tabs.
"""

from __future__ import annotations

import pytest
from nicegui.testing import User

from db import channel_queries
from state.actions.messages import send_message
from state.bus import RESYNC_TOPIC, bus
from state.events import BusResubscribed
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


async def test_the_catch_up_also_fetches_what_came_before_this_tabs_own_sends(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During an outage the sender's tab still gets its own message (the action's answer), newer than the others'
    it missed: the catch-up must start before it, not after the newest id shown."""
    ada_id, bob_id, general_id, slug = setup_workspace()
    await open_as(user, 'ada@example.com', f'/w/{slug}')
    [listing] = message_lists(user)
    with monkeypatch.context() as lost:
        lost.setattr(bus.backend, 'publish', lambda items: None)
        missed = send_message(bob_id, general_id, 'Bob, during the outage', 'c-bob')
        own = send_message(ada_id, general_id, 'Ada, during the outage', 'c-ada')
    listing.append(own, sent_here=True)  # what the composer's send handler does with the action's answer
    assert listing.newest_id < missed.id < own.id

    fetched: list[int] = []
    extend = listing.extend
    monkeypatch.setattr(
        listing, 'extend', lambda messages, **kw: (fetched.extend(m.id for m in messages), extend(messages, **kw))
    )
    bus.deliver_local(RESYNC_TOPIC, BusResubscribed(node_id='this'))
    assert fetched == [missed.id, own.id]  # the browser shows its own once and puts Bob's before it (message_list.js)
    assert listing.newest_id == own.id
