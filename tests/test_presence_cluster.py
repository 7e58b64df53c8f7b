"""Presence over several nodes: two or three presence stores share one in-process bus, as nodes share Redis."""

from __future__ import annotations

import pytest

from state.bus import RESYNC_TOPIC, bus, presence_topic
from state.events import BusResubscribed, Event, PresenceChanged, PresenceReport
from state.stores.presence import PresenceStore
from state.stores.presence_cluster import HEARTBEAT_SECONDS, NODE_TTL_SECONDS, strongest
from tests.factories import RecordingBackend
from tests.test_stores import FakeClock

ADA = 7


def node(clock: FakeClock, name: str) -> PresenceStore:
    store = PresenceStore(
        clock, away_after=300.0, grace=8.0, workspaces_of=lambda uid: [1], manual_of=lambda uid: (None, None)
    )
    store.join_cluster(name)
    return store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_the_strongest_status_wins() -> None:
    assert strongest(['offline', 'away', 'online']) == 'online'
    assert strongest(['online', 'busy']) == 'busy'
    assert strongest([]) == 'offline'


def test_a_tab_on_one_node_shows_on_the_other_until_it_leaves(published: RecordingBackend, clock: FakeClock) -> None:
    one, two = node(clock, 'one'), node(clock, 'two')
    one.client_connected(ADA, 'tab')
    assert one.status_of(ADA) == two.status_of(ADA) == 'online'
    one.client_gone(ADA, 'tab')
    clock.advance(8)
    one.tick()
    assert one.status_of(ADA) == two.status_of(ADA) == 'offline'


def test_active_anywhere_is_online_everywhere(published: RecordingBackend, clock: FakeClock) -> None:
    one, two = node(clock, 'one'), node(clock, 'two')
    one.client_connected(ADA, 'tab-1')
    clock.advance(200)
    two.client_connected(ADA, 'tab-2')
    clock.advance(100)  # the tab on node one has been idle for 300 s, the one on node two for 100 s
    one.tick()
    two.tick()
    assert one.status_of(ADA) == two.status_of(ADA) == 'online'
    clock.advance(200)
    two.tick()
    assert one.status_of(ADA) == two.status_of(ADA) == 'away'
    one.activity(ADA)  # activity on the node whose own view is away brings her back everywhere
    assert one.status_of(ADA) == two.status_of(ADA) == 'online'


def test_manual_status_set_on_one_node_holds_on_every_node(published: RecordingBackend, clock: FakeClock) -> None:
    one, two = node(clock, 'one'), node(clock, 'two')
    one.client_connected(ADA, 'tab-1')
    two.client_connected(ADA, 'tab-2')
    two.set_manual(ADA, 'busy')
    assert one.status_of(ADA) == two.status_of(ADA) == 'busy'
    one.set_manual(ADA, None)  # cleared from the other node: node two must not keep its own "busy"
    assert one.status_of(ADA) == two.status_of(ADA) == 'online'
    one.set_manual(ADA, 'away')
    assert one.status_of(ADA) == two.status_of(ADA) == 'away'


def test_a_node_that_stops_or_falls_silent_is_forgotten(published: RecordingBackend, clock: FakeClock) -> None:
    one, two, three = node(clock, 'one'), node(clock, 'two'), node(clock, 'three')
    one.client_connected(ADA, 'tab-1')
    three.client_connected(8, 'tab-3')
    assert two.status_of(ADA) == 'online' and two.status_of(8) == 'online'
    one.leave_cluster()  # a clean stop says goodbye
    assert two.status_of(ADA) == 'offline' and two.status_of(8) == 'online'

    three.leave_cluster(say_goodbye=False)  # a crash: no goodbye, no more heartbeats
    for _ in range(int(NODE_TTL_SECONDS // HEARTBEAT_SECONDS) + 1):
        clock.advance(HEARTBEAT_SECONDS)
        two.tick()
    assert two.status_of(8) == 'offline'
    assert two.cluster_nodes() == []


def test_heartbeats_keep_a_quiet_node_alive(published: RecordingBackend, clock: FakeClock) -> None:
    one, two = node(clock, 'one'), node(clock, 'two')
    one.client_connected(ADA, 'tab')
    for _ in range(10):  # far longer than the node TTL, with both timers running
        clock.advance(HEARTBEAT_SECONDS)
        one.activity(ADA)
        one.tick()
        two.tick()
    assert two.status_of(ADA) == 'online' and two.cluster_nodes() == ['one']
    full = [event for _, event in published.of_type(PresenceReport) if event.node_id == 'one' and event.full]
    assert len(full) >= 10


def test_a_node_that_joins_later_learns_who_is_there_at_once(published: RecordingBackend, clock: FakeClock) -> None:
    one = node(clock, 'one')
    one.client_connected(ADA, 'tab')
    late = node(clock, 'late')  # its hello makes node one answer with its whole view
    assert late.status_of(ADA) == 'online'


def test_presence_diffs_stay_on_their_node(published: RecordingBackend, clock: FakeClock) -> None:
    seen: list[Event] = []
    bus.subscribe(presence_topic(1), seen.append, detached=True)
    one, two = node(clock, 'one'), node(clock, 'two')
    one.client_connected(ADA, 'tab')
    # Each node delivered its own merged diff to its own subscribers (here both share one bus)...
    assert seen == [PresenceChanged(statuses={ADA: 'online'})] * 2
    # ...and nothing but the node reports went to the backend, which would carry them to other nodes.
    assert published.of_type(PresenceChanged) == []
    assert {event.node_id for _, event in published.of_type(PresenceReport)} == {'one', 'two'}
    assert two.status_of(ADA) == 'online'


def test_a_node_back_on_the_bus_reports_its_whole_view_at_once(published: RecordingBackend, clock: FakeClock) -> None:
    one = node(clock, 'one')
    one.client_connected(ADA, 'tab')
    published.clear()
    bus.deliver_local(RESYNC_TOPIC, BusResubscribed(node_id='one'))
    reports = [event for _, event in published.of_type(PresenceReport)]
    assert reports == [PresenceReport(node_id='one', statuses={ADA: 'online'}, full=True)]
    one.leave_cluster(say_goodbye=False)
    published.clear()
    bus.deliver_local(RESYNC_TOPIC, BusResubscribed(node_id='one'))
    assert published.of_type(PresenceReport) == []  # a node that left the cluster says nothing
