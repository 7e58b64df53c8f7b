"""The live inspector's data: one snapshot of this node's live state, pushed to the open inspector tabs.

`take_snapshot()` reads only memory (bus topics, the connection registry, presence, typing, the bus backend,
the error ring), so it is cheap and safe on the event loop. `feed` pushes one snapshot per app-timer turn to
every inspector tab that watches (rule 7: one app timer, no per-tab timers), and first asks the database, off the
loop and in one query, which of the watching people are still server admins; a tab whose person no longer is
gets `revoked` instead and is dropped. Each node inspects itself: behind a proxy, a tab shows the node it is on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nicegui import background_tasks
from nicegui.client import Client

from db.server_admin_queries import server_admin_ids
from hardening import log_context
from state.blocking import off_loop
from state.bus import bus
from state.bus_redis import RedisBackend
from state.error_log import LoggedError, ring
from state.stores import presence, typing
from state.stores.connections import Tab, registry

log = logging.getLogger(__name__)
PUSH_EVERY_SECONDS = 0.9  # on the 1 s app timer: every beat
ERRORS_SHOWN = 20


@dataclass(frozen=True)
class BusState:
    backend: str  # 'in-process' | 'redis'
    connected: bool
    queued: int
    reconnects: int
    dropped: int


@dataclass(frozen=True)
class Snapshot:
    node: str
    taken_at: float
    topics: list[tuple[str, int]]
    tabs: list[Tab]
    presence: list[tuple[int, str, str, int]]  # user id, name, status, tabs on this node
    typing: list[tuple[int, int | None, str, float]]  # channel, thread root, name, seconds left
    bus: BusState
    bus_events_per_second: float
    browser_events_per_second: float
    errors: list[LoggedError] = field(default_factory=list)


def bus_state() -> BusState:
    backend = bus.backend
    if isinstance(backend, RedisBackend):
        return BusState('redis', backend.subscribed, backend.pending, backend.reconnects, backend.dropped)
    return BusState('in-process', True, 0, 0, 0)


def take_snapshot() -> Snapshot:
    tabs = sorted(registry.tabs(), key=lambda tab: (tab.user_name.lower(), tab.since or 0.0))
    names = {tab.user_id: tab.user_name for tab in tabs}
    return Snapshot(
        node=log_context.node() or 'this node',
        taken_at=time.time(),
        topics=sorted(bus.topic_counts().items(), key=lambda item: (-item[1], item[0])),
        tabs=tabs,
        presence=sorted(
            ((uid, names.get(uid, f'user {uid}'), status, count) for uid, status, count in presence.store.known()),
            key=lambda row: row[1].lower(),
        ),
        typing=[(channel, root, name, left) for channel, root, _, name, left in typing.store.everywhere()],
        bus=bus_state(),
        bus_events_per_second=bus.delivered.per_second(),
        browser_events_per_second=registry.browser_events.per_second(),
        errors=ring.newest_first()[:ERRORS_SHOWN],
    )


@dataclass
class _Viewer:
    user_id: int
    client: Client
    show: Callable[[Snapshot], None]
    revoked: Callable[[], None]


class InspectorFeed:
    def __init__(self, is_allowed: Callable[[set[int]], set[int]] = server_admin_ids) -> None:
        self._viewers: dict[str, _Viewer] = {}
        self._is_allowed = is_allowed
        self._pushing = False

    def watch(
        self, client: Client, user_id: int, show: Callable[[Snapshot], None], revoked: Callable[[], None]
    ) -> None:
        """Push snapshots to this tab until its client is deleted."""
        self._viewers[client.id] = _Viewer(user_id, client, show, revoked)
        client.on_delete(lambda: self._viewers.pop(client.id, None))

    @property
    def watching(self) -> int:
        return len(self._viewers)

    def start_push(self) -> None:
        """The app timer's job: one push in the background (skipped while the previous one still runs)."""
        if self._viewers and not self._pushing:
            self._pushing = True
            background_tasks.create(self._push_guarded(), name='inspector-push')

    async def _push_guarded(self) -> None:
        try:
            await self.push()
        finally:
            self._pushing = False

    async def push(self) -> None:
        viewers = list(self._viewers.values())
        if not viewers:
            return
        allowed = await off_loop(self._is_allowed, {viewer.user_id for viewer in viewers})
        snapshot = take_snapshot()
        for viewer in viewers:
            if viewer.client.is_deleted:
                continue
            try:
                if viewer.user_id in allowed:
                    viewer.show(snapshot)
                else:
                    self._viewers.pop(viewer.client.id, None)
                    viewer.revoked()
            except Exception:
                log.exception('inspector tab %s failed to show a snapshot', viewer.client.id)


feed = InspectorFeed()
