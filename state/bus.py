"""Topics and publish/subscribe.

Topic names are built by one helper per kind, exactly as in DESIGN.md. Publishing goes through a backend:
`InProcessBackend` delivers to this process's subscribers; a Redis backend (several nodes) also forwards to the
other nodes, which deliver to their own subscribers. Callers never know which backend runs.

A subscription made while a page is being built (inside a NiceGUI client's slot) runs its callback inside that
slot, so UI updates land on the right browser tab, and goes away when that tab's client is deleted. A failing
subscriber is logged with its topic and event and never stops delivery to the others.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from nicegui import background_tasks, ui
from nicegui.client import Client
from nicegui.slot import Slot

from hardening import log_context
from seams.nicegui_internals import current_slot, forget_delete_handler
from state import metrics
from state.event_rate import EventRate
from state.events import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], Awaitable[None] | None]


def workspace_topic(workspace_id: int) -> str:
    return f'workspace:{workspace_id}'


def channel_topic(channel_id: int) -> str:
    return f'channel:{channel_id}'


def user_topic(user_id: int) -> str:
    return f'user:{user_id}'


def typing_topic(channel_id: int) -> str:
    return f'typing:{channel_id}'


def presence_topic(workspace_id: int) -> str:
    return f'presence:{workspace_id}'


def thread_topic(message_id: int) -> str:
    return f'thread:{message_id}'


# This node's own signal that its bus subscription came back (never travels between nodes): views catch up.
RESYNC_TOPIC = 'node:resync'


class Subscription:
    """Handle returned by `Bus.subscribe`; `cancel()` is idempotent."""

    _ids = itertools.count()

    def __init__(self, bus: Bus, topic: str, callback: Subscriber, slot: Slot | None) -> None:
        self.id = next(self._ids)
        self.topic = topic
        self.callback = callback
        self._bus = bus
        self._slot = weakref.ref(slot) if slot is not None else None
        self.on_cancel: Callable[[], None] | None = None

    @property
    def is_ui_bound(self) -> bool:
        return self._slot is not None

    def cancel(self) -> None:
        self._bus._remove(self)
        if self.on_cancel is not None:
            on_cancel, self.on_cancel = self.on_cancel, None
            on_cancel()

    def deliver(self, event: Event) -> None:
        if self._slot is None:
            self._call(event)
            return
        slot = self._slot()
        if slot is None or slot.parent.is_deleted:
            self.cancel()  # the element it belonged to is gone; the client-delete hook may not have run yet
            return
        with slot:
            self._call(event)

    def _call(self, event: Event) -> None:
        result = self.callback(event)
        if asyncio.iscoroutine(result):
            background_tasks.create(self._await(result, event), name=f'bus:{self.topic}')

    async def _await(self, result: Awaitable[None], event: Event) -> None:
        try:
            await result
        except Exception:
            log.exception('async subscriber of %s failed on %s', self.topic, event.type)


class Backend(Protocol):
    """Moves published events to every node's `Bus.deliver_local` (this node's included)."""

    def publish(self, items: list[tuple[str, Event]]) -> None: ...

    async def start(self, deliver: Callable[[str, Event], None]) -> None: ...

    async def stop(self) -> None: ...


class InProcessBackend:
    """One node: publishing is delivering."""

    def __init__(self) -> None:
        self._deliver: Callable[[str, Event], None] | None = None

    async def start(self, deliver: Callable[[str, Event], None]) -> None:
        self._deliver = deliver

    async def stop(self) -> None:
        self._deliver = None

    def publish(self, items: list[tuple[str, Event]]) -> None:
        deliver = self._deliver
        if deliver is None:
            return  # not started (e.g. a CLI command): nobody is listening in this process
        for topic, event in items:
            deliver(topic, event)


class Bus:
    def __init__(self, backend: Backend | None = None) -> None:
        self.backend: Backend = backend or InProcessBackend()
        self._topics: dict[str, dict[int, Subscription]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self.delivered = EventRate()  # events this node delivered (its own and other nodes'), for the inspector

    async def start(self, backend: Backend | None = None) -> None:
        if backend is not None:
            self.backend = backend
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        await self.backend.start(self.deliver_local)

    async def stop(self) -> None:
        await self.backend.stop()
        self._loop = self._loop_thread = None

    def subscribe(
        self, topic: str, callback: Subscriber, *, detached: bool = False, owner: ui.element | None = None
    ) -> Subscription:
        """Inside a page the subscription belongs to the current slot's element and tab; `owner` names the element
        explicitly (a subscription made in a click handler would otherwise belong to the clicked element, and end
        with it); `detached=True` (shared stores) belongs to none."""
        if owner is not None:
            slot: Slot | None = owner.default_slot
        else:
            # current_slot(), not ui.context: touching ui.context outside a page would enter script mode.
            slot = None if detached else current_slot()
        subscription = Subscription(self, topic, callback, slot)
        self._topics.setdefault(topic, {})[subscription.id] = subscription
        if slot is not None:
            client = slot.parent.client
            client.on_delete(subscription.cancel)
            subscription.on_cancel = lambda: _forget_delete_handler(client, subscription.cancel)
        return subscription

    def publish(self, topic: str, event: Event) -> None:
        self.publish_many([(topic, event)])

    def publish_many(self, items: Iterable[tuple[str, Event]]) -> None:
        """Publish several events at once (one backend round trip), in order."""
        batch = list(items)
        if not batch:
            return
        for _, event in batch:
            metrics.count_published(event.type)
        loop = self._loop
        if loop is not None and loop.is_running() and threading.get_ident() != self._loop_thread:
            # An action ran in a worker thread (off the event loop, so a slow database stalls no one else):
            # subscribers touch tabs, which only the loop may do (rule 10). FIFO keeps the order of batches.
            loop.call_soon_threadsafe(self.backend.publish, batch)
            return
        self.backend.publish(batch)

    def deliver_local(self, topic: str, event: Event) -> None:
        self.delivered.count()
        subscriptions = self._topics.get(topic)
        if not subscriptions:
            return
        started = time.perf_counter()
        with log_context.scope(topic=topic, event=event.type):  # what subscribers log names the event
            for subscription in list(subscriptions.values()):  # a callback may (un)subscribe while we deliver
                try:
                    subscription.deliver(event)
                except Exception:
                    log.exception('subscriber of %s failed on %s: %s', topic, event.type, event.model_dump_json()[:500])
        metrics.fanout_seconds.observe(time.perf_counter() - started)

    def hears_every_node(self) -> bool:
        """False while this node's Redis subscription is down: its own events still arrive, other nodes' do not
        (a `BusResubscribed` catch-up follows). Backends without a subscription (in-process, test doubles) hear all."""
        return bool(getattr(self.backend, 'subscribed', True))

    def subscriber_count(self, topic: str) -> int:
        return len(self._topics.get(topic, ()))

    def topic_counts(self) -> dict[str, int]:
        """Subscribers per topic, for the live inspector (pages/server_admin.py)."""
        return {topic: len(subscriptions) for topic, subscriptions in self._topics.items()}

    def clear(self) -> None:
        """Drop every subscription (tests, and a process shutting down)."""
        self._topics.clear()

    def _remove(self, subscription: Subscription) -> None:
        subscriptions = self._topics.get(subscription.topic)
        if subscriptions is None:
            return
        subscriptions.pop(subscription.id, None)
        if not subscriptions:
            del self._topics[subscription.topic]


def _forget_delete_handler(client: Client, handler: Callable[[], None]) -> None:
    # A tab that switches channels a thousand times must not collect a thousand delete handlers.
    forget_delete_handler(client, handler)


bus = Bus()
