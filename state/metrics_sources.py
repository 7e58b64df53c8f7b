"""Where the live gauges of state/metrics.py read their values at scrape time (tabs, people, the bus).

Reading at scrape time keeps the hot paths free of gauge updates: a tab connecting costs nothing extra.
"""

from __future__ import annotations

from state import metrics
from state.bus import bus
from state.bus_redis import RedisBackend
from state.stores import presence


def bus_connected() -> bool:
    """Alone, the in-process bus is always connected; on Redis, while this node's subscription stands."""
    backend = bus.backend
    return backend.subscribed if isinstance(backend, RedisBackend) else True


def bus_queue_length() -> int:
    backend = bus.backend
    return backend.pending if isinstance(backend, RedisBackend) else 0


def install() -> None:
    """Point the gauges at the live state and count logged errors (server start; idempotent)."""
    metrics.watch(metrics.tabs_connected, lambda: presence.store.connected_tabs()[0])
    metrics.watch(metrics.users_online, lambda: presence.store.connected_tabs()[1])
    metrics.watch(metrics.bus_connected, lambda: 1.0 if bus_connected() else 0.0)
    metrics.watch(metrics.bus_queue_length, bus_queue_length)
    metrics.count_logged_errors()
