"""Every Prometheus metric of a node, in one registry of its own (served at `/metrics`, see api/ops.py).

Each node (process) has its own registry and endpoint; Prometheus scrapes every node and sums or maxes across
them. Only this module defines metrics, so names and labels stay in one place. The hot paths only increment a
counter or observe a histogram (a few uncontended locks inside prometheus_client, never one per tab); values
that describe live state (tabs, people online, the bus) are read when a scrape asks for them, by the functions
`state/metrics_sources.py` installs.

Label values are always bounded: event kinds and action names come from our code, routes are route templates
(`/w/{slug}`), `where` is the name of the logger that logged an error.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)

disable_created_metrics()  # no `_created` twin per series: half the samples, nothing our dashboards use
registry = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=registry)  # process_cpu_seconds_total, process_resident_memory_bytes, open fds, ...
PlatformCollector(registry=registry)  # python_info
GCCollector(registry=registry)  # python_gc_*

# Actions are mostly sub-millisecond commits; the tail (a locked SQLite, a slow PostgreSQL) reaches seconds.
_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

tabs_connected = Gauge('chat_tabs_connected', 'Browser tabs with a live socket on this node', registry=registry)
users_online = Gauge('chat_users_online', 'People with at least one connected tab on this node', registry=registry)
messages_sent = Counter('chat_messages_sent', 'Messages stored by send_message on this node', registry=registry)
events_published = Counter(
    'chat_events_published', 'Bus events published on this node, one per topic', ['kind'], registry=registry
)
action_seconds = Histogram(
    'chat_action_seconds',
    "Time from opening an action's unit of work to its events being published",
    ['action'],
    buckets=_LATENCY_BUCKETS,
    registry=registry,
)
fanout_seconds = Histogram(
    'chat_fanout_seconds',
    'Time to hand one event on one topic to every subscriber on this node',
    buckets=(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
    registry=registry,
)
http_requests = Counter(
    'chat_http_requests', 'HTTP requests by route template and status', ['route', 'status'], registry=registry
)
bus_connected = Gauge('chat_bus_connected', '1 while the bus reaches the other nodes (1 alone)', registry=registry)
bus_queue_length = Gauge('chat_bus_queue_length', 'Event batches waiting to be sent to Redis', registry=registry)
errors = Counter('chat_errors', 'Errors logged, by the logger that logged them', ['where'], registry=registry)


def scrape() -> bytes:
    """The registry in Prometheus' text format."""
    return generate_latest(registry)


# ---- actions ---------------------------------------------------------------------------------------------------

_action_children: dict[CodeType, Histogram] = {}


def action_name(code: CodeType, module: str) -> str:
    """`messages.send_message` for `send_message` in `state.actions.messages`."""
    return f'{module.rsplit(".", 1)[-1]}.{code.co_name}'


def caller_code(depth: int = 2) -> tuple[CodeType, str]:
    """The code object and module of the function `depth` frames up (1 = the caller of the caller of this)."""
    frame = sys._getframe(depth)
    return frame.f_code, str(frame.f_globals.get('__name__', '?'))


@contextmanager
def timed_action(code: CodeType, module: str) -> Iterator[None]:
    """Observe how long the block takes under the action that `code` is; failures are observed too."""
    child = _action_children.get(code)
    if child is None:  # once per action: labels() takes a lock and formats the label
        child = _action_children[code] = action_seconds.labels(action_name(code, module))
    started = time.perf_counter()
    try:
        yield
    finally:
        child.observe(time.perf_counter() - started)


# ---- the bus ---------------------------------------------------------------------------------------------------

_event_children: dict[str, Counter] = {}


def count_published(kind: str) -> None:
    child = _event_children.get(kind)
    if child is None:
        child = _event_children[kind] = events_published.labels(kind)
    child.inc()


# ---- errors ----------------------------------------------------------------------------------------------------


class ErrorCounter(logging.Handler):
    """Counts every ERROR (and worse) record by its logger's name: every failure path here logs, so this sees
    them all without a counter call beside each `log.exception`."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        errors.labels(record.name).inc()


_error_counter = ErrorCounter()


def count_logged_errors() -> None:
    """Attach the error counter to the root logger (idempotent)."""
    root = logging.getLogger()
    if _error_counter not in root.handlers:
        root.addHandler(_error_counter)


def watch(gauge: Gauge, read: Callable[[], float]) -> None:
    """Let `gauge` read its value when scraped."""
    gauge.set_function(read)
