"""Live stores with a fake clock: typing expiry, the presence state machine, and sidebar stores fed by events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from nicegui import binding

from db.sidebar_queries import SidebarChannel
from state import runtime
from state.actions.channels import (
    archive_channel,
    create_channel,
    invite_to_channel,
    join_channel,
    leave_channel,
    open_direct,
)
from state.actions.messages import delete_message, edit_message, send_message
from state.actions.reads import mark_read, mark_unread
from state.bus import presence_topic, typing_topic
from state.events import PresenceChanged, TypingChanged
from state.stores import presence, typing
from state.stores import sidebar as sidebar_module
from state.stores.presence import PresenceStore, UserPresence
from state.stores.sidebar import active_stores, release_sidebar_store, sidebar_store
from state.stores.typing import TypingStore
from tests.factories import RecordingBackend, World, build_world


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# ---- typing -----------------------------------------------------------------------------------------------


def test_typing_starts_renews_stops_and_expires(published: RecordingBackend, clock: FakeClock) -> None:
    store = TypingStore(clock, ttl=15.0)
    store.typing_started(7, 'Ada', 3)
    store.typing_started(7, 'Ada', 3)  # a renewal publishes nothing
    store.typing_started(8, 'Bob', 3, thread_root_id=40)
    assert store.typers(3) == [(7, 'Ada')] and store.typers(3, 40) == [(8, 'Bob')]
    assert published.types() == [(typing_topic(3), 'typing.changed')] * 2
    published.clear()
    clock.advance(10)
    store.typing_started(7, 'Ada', 3)  # renewed at t+10: lives until t+25
    clock.advance(6)
    store.tick()  # t+16: Bob (t+15) expired, Ada not
    changes = [event for _, event in published.of_type(TypingChanged)]
    assert [(e.user_id, e.thread_root_id, e.typing) for e in changes] == [(8, 40, False)]
    assert store.typers(3, 40) == []
    published.clear()
    store.typing_stopped(7, 3)
    store.typing_stopped(7, 3)  # already stopped: nothing more
    assert [(e.user_id, e.typing) for _, e in published.of_type(TypingChanged)] == [(7, False)]
    assert store.typers(3) == []


def test_the_app_timer_tick_expires_typing(published: RecordingBackend) -> None:
    typing.store.typing_started(7, 'Ada', 3)
    published.clear()
    runtime.tick()
    assert published.items == []  # not expired yet
    typing.store._typing[(3, None)][7].expires_at = 0  # as if 15 s had passed
    runtime.tick()
    assert published.types() == [(typing_topic(3), 'typing.changed')]


# ---- presence ---------------------------------------------------------------------------------------------


def _presence(clock: FakeClock, manual: tuple[str | None, datetime | None] = (None, None)) -> PresenceStore:
    return PresenceStore(
        clock, away_after=300.0, grace=8.0, workspaces_of=lambda uid: [1, 2], manual_of=lambda uid: manual
    )


def _diffs(published: RecordingBackend) -> list[tuple[str, dict[int, str]]]:
    return [(topic, event.statuses) for topic, event in published.of_type(PresenceChanged)]


def test_presence_online_away_offline(published: RecordingBackend, clock: FakeClock) -> None:
    store = _presence(clock)
    store.client_connected(7, 'tab-a')
    assert store.status_of(7) == 'online'
    assert _diffs(published) == [(presence_topic(1), {7: 'online'}), (presence_topic(2), {7: 'online'})]
    published.clear()
    store.client_connected(7, 'tab-b')
    store.client_connected(7, 'tab-a')  # a reconnect of the same tab
    assert published.items == []
    clock.advance(299)
    store.tick()
    assert store.status_of(7) == 'online'
    clock.advance(1)
    store.tick()
    assert store.status_of(7) == 'away' and _diffs(published)[0] == (presence_topic(1), {7: 'away'})
    published.clear()
    store.activity(7)
    assert store.status_of(7) == 'online' and _diffs(published)[0][1] == {7: 'online'}
    published.clear()
    store.client_gone(7, 'tab-a')
    store.client_gone(7, 'tab-b')
    assert store.status_of(7) == 'online' and published.items == []  # grace period: maybe just navigating
    clock.advance(7.9)
    store.tick()
    assert store.status_of(7) == 'online'
    clock.advance(0.1)
    store.tick()
    assert store.status_of(7) == 'offline' and _diffs(published)[0][1] == {7: 'offline'}


def test_presence_survives_a_quick_page_change(published: RecordingBackend, clock: FakeClock) -> None:
    store = _presence(clock)
    store.client_connected(7, 'old-page')
    published.clear()
    store.client_gone(7, 'old-page')
    clock.advance(2)
    store.client_connected(7, 'new-page')
    clock.advance(60)
    store.tick()
    assert store.status_of(7) == 'online' and published.items == []


def test_manual_status_wins_and_expires(published: RecordingBackend, clock: FakeClock) -> None:
    store = _presence(clock)
    store.client_connected(7, 'tab')
    until = datetime.fromtimestamp(clock.now + 60, UTC)
    store.set_manual(7, 'busy', until)
    assert store.status_of(7) == 'busy'
    clock.advance(59)
    store.tick()
    assert store.status_of(7) == 'busy'
    clock.advance(1)
    store.tick()
    assert store.status_of(7) == 'online'
    store.set_manual(7, 'away')
    store.activity(7)
    assert store.status_of(7) == 'away'  # activity does not undo a manual away
    store.set_manual(7, None)
    assert store.status_of(7) == 'online'


def test_manual_status_is_loaded_on_first_connect(published: RecordingBackend, clock: FakeClock) -> None:
    store = _presence(clock, manual=('busy', None))
    store.client_connected(7, 'tab')
    assert store.status_of(7) == 'busy'


def test_never_connected_users_are_offline_and_bindable(published: RecordingBackend, clock: FakeClock) -> None:
    store = _presence(clock)
    dot = store.user(9)
    assert isinstance(dot, UserPresence) and dot.status == 'offline'
    assert isinstance(UserPresence.__dict__['status'], binding.BindableProperty)
    store.client_connected(9, 'tab')
    assert store.user(9) is dot and dot.status == 'online'
    store.client_gone(9, 'unknown-tab')  # never counted: ignored
    assert dot.status == 'online'
    assert store.statuses([9, 10]) == {9: 'online', 10: 'offline'}


# ---- sidebar ----------------------------------------------------------------------------------------------


@pytest.fixture
def world(db: None, published: RecordingBackend) -> World:
    return build_world()


def _counts(world: World, channel_id: int) -> tuple[int, int]:
    entry = sidebar_store(world.bob, world.workspace).entry(channel_id)
    assert entry is not None
    return entry.unread_count, entry.mention_count


def test_sidebar_starts_from_the_database(world: World) -> None:
    send_message(world.ada, world.general, 'before the store existed', None)
    store = sidebar_store(world.bob, world.workspace)
    assert [(e.label, e.kind, e.unread_count) for e in store.entries()] == [
        ('general', 'public', 1),
        ('secret', 'private', 0),
    ]
    assert sidebar_store(world.bob, world.workspace) is store


def test_new_messages_count_for_everyone_but_the_author(world: World) -> None:
    store = sidebar_store(world.bob, world.workspace)
    ada_store = sidebar_store(world.ada, world.workspace)
    general = store.entry(world.general)
    assert general is not None
    changes: list[int] = []
    general.on_unread_change(lambda: changes.append(general.unread_count))
    send_message(world.ada, world.general, 'one', None)
    send_message(world.ada, world.general, 'ping @Bob', None)
    send_message(world.ada, world.general, 'all @here', None)
    assert _counts(world, world.general) == (3, 2)
    assert changes == [1, 2, 3]
    own = ada_store.entry(world.general)
    assert own is not None and own.unread_count == 0


def test_reading_recomputes_and_all_tabs_agree(world: World) -> None:
    ids = [send_message(world.ada, world.general, f'm{i}', None).id for i in range(3)]
    assert _counts(world, world.general) == (3, 0)
    mark_read(world.bob, world.general, ids[1])
    assert _counts(world, world.general) == (1, 0)
    mark_unread(world.bob, world.general, ids[0])
    assert _counts(world, world.general) == (3, 0)
    send_message(world.bob, world.general, 'my reply reads the channel', None)
    assert _counts(world, world.general) == (0, 0)


def test_reading_to_the_newest_message_clears_the_entry_without_a_query(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [send_message(world.ada, world.general, f'ping @Bob {i}', None).id for i in range(3)]
    assert _counts(world, world.general) == (3, 3)
    queried: list[int] = []
    real = sidebar_module.sidebar_channel

    def counting(user_id: int, channel_id: int) -> SidebarChannel | None:
        queried.append(channel_id)
        return real(user_id, channel_id)

    monkeypatch.setattr(sidebar_module, 'sidebar_channel', counting)
    mark_read(world.bob, world.general, ids[-1])
    assert _counts(world, world.general) == (0, 0) and queried == []
    mark_unread(world.bob, world.general, ids[1])  # moved back: counted again from the database
    assert _counts(world, world.general) == (2, 2) and queried == [world.general]


def test_thread_mentions_count_as_mentions_only(world: World) -> None:
    root = send_message(world.bob, world.general, 'root', None)
    sidebar_store(world.bob, world.workspace)
    send_message(world.ada, world.general, 'quiet reply', None, thread_root_id=root.id)
    send_message(world.ada, world.general, 'hey @Bob', None, thread_root_id=root.id)
    assert _counts(world, world.general) == (0, 1)


def test_edits_and_deletes_of_unread_messages_recompute(world: World) -> None:
    store = sidebar_store(world.bob, world.workspace)
    message = send_message(world.ada, world.general, 'plain', None)
    assert _counts(world, world.general) == (1, 0)
    edit_message(world.ada, message.id, 'now for @Bob')
    assert _counts(world, world.general) == (1, 1)
    delete_message(world.ada, message.id)
    assert _counts(world, world.general) == (0, 0)
    assert store.entry(world.general) is not None


def test_conversations_come_and_go(world: World) -> None:
    store = sidebar_store(world.bob, world.workspace)
    changes: list[int] = []
    store.on_change(lambda: changes.append(store.version))
    private = create_channel(world.ada, world.workspace, 'plans', private=True)
    assert store.entry(private.id) is None  # not a member
    invite_to_channel(world.ada, private.id, world.bob)
    assert store.entry(private.id) is not None
    public = create_channel(world.ada, world.workspace, 'open')
    assert store.entry(public.id) is None
    join_channel(world.bob, public.id)
    leave_channel(world.bob, world.private)
    direct = open_direct(world.ada, world.workspace, [world.bob])
    labels = [e.label for e in store.entries()]
    assert labels == ['general', 'open', 'plans', 'Ada']
    assert store.entry(direct.id) is not None
    assert len(changes) == 4 and changes == sorted(changes)


def test_archiving_updates_the_entry(world: World) -> None:
    join_channel(world.bob, world.side)
    store = sidebar_store(world.bob, world.workspace)
    archive_channel(world.ada, world.side)
    entry = store.entry(world.side)
    assert entry is not None and entry.archived


def test_direct_message_partner_presence(world: World) -> None:
    store = sidebar_store(world.bob, world.workspace)
    direct = open_direct(world.ada, world.workspace, [world.bob])
    entry = store.entry(direct.id)
    assert entry is not None and entry.partner_id == world.ada and entry.partner_status == 'offline'
    presence.store.client_connected(world.ada, 'tab')
    assert entry.partner_status == 'online'


def test_only_the_users_own_conversations_count(world: World) -> None:
    store = sidebar_store(world.bob, world.workspace)
    send_message(world.ada, world.side, 'bob is not in #side', None)
    assert store.entry(world.side) is None
    assert [(e.label, e.unread_count) for e in store.entries()] == [('general', 0), ('secret', 0)]
    assert sidebar_store(world.eve, world.workspace).entries() == []  # eve is in another workspace


def test_the_last_holder_drops_the_store(world: World) -> None:
    store = sidebar_store(world.bob, world.workspace)
    store.acquire('tab-1')
    store.acquire('tab-2')
    release_sidebar_store(world.bob, world.workspace, 'tab-1')
    assert (world.bob, world.workspace) in active_stores()
    release_sidebar_store(world.bob, world.workspace, 'tab-2')
    assert (world.bob, world.workspace) not in active_stores()
    assert not store.started
    send_message(world.ada, world.general, 'nobody listens', None)
    entry = store.entry(world.general)
    assert entry is not None and entry.unread_count == 0  # a stopped store no longer follows events
