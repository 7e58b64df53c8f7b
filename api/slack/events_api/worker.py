"""The one delivery worker of a node: outbox -> deliveries -> Slack events -> transports, off the event loop.

It wakes when a commit on this node staged events (`state.app_events.outbox.on_staged`) and otherwise polls
every `POLL_SECONDS` for rows other nodes staged and retries that came due. Database work runs in worker
threads (`off_loop`); the sends of one batch run concurrently, each within its transport's timeout. Socket
Mode deliveries are claimed only for apps connected to this node (the hub says which), so with several nodes
each sends over its own sockets. Old rows are pruned every hour.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime

from api.slack.events_api.envelope import envelope
from api.slack.events_api.translate import slack_event
from api.slack.events_api.transport import HttpTransport, Outcome, SocketHub, SocketTransport, Transport
from db.api_queries import bot_user_ids, channel_kinds
from db.errors import DatabaseUnavailable
from db.models import utcnow
from state.actions.app_deliveries import Claim, claim_due, fan_out, prune, record_attempt
from state.app_events import outbox
from state.blocking import off_loop
from state.events import (
    Event,
    MessageCreated,
    MessageDeleted,
    MessageUpdated,
    ReactionChanged,
    UserChanged,
    from_json,
)

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0
PRUNE_EVERY_SECONDS = 3600.0
BATCH = 20


class DeliveryWorker:
    def __init__(
        self,
        http: Transport | None = None,
        socket_hub: SocketHub | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.http: Transport = http or HttpTransport()
        self.socket_hub = socket_hub
        self.socket: Transport | None = SocketTransport(socket_hub) if socket_hub is not None else None
        self.now = now
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pruned_at = 0.0

    def use_socket_hub(self, hub: SocketHub) -> None:
        """Socket Mode's hub, registered at start-up when it exists."""
        self.socket_hub = hub
        self.socket = SocketTransport(hub)

    async def run_once(self) -> int:
        """Fan out what is staged, then send what is due; how many deliveries were attempted."""
        while await off_loop(fan_out, BATCH * 10, self.now()) > 0:
            pass
        connected = self.socket_hub.connected_app_ids() if self.socket_hub is not None else set()
        claims = await off_loop(claim_due, connected, BATCH, self.now())
        if not claims:
            return 0
        payloads = await off_loop(_payloads, claims)
        outcomes = await asyncio.gather(*(self._send(claim, payloads.get(claim.delivery_id)) for claim in claims))
        for claim, outcome in zip(claims, outcomes, strict=True):
            await off_loop(
                record_attempt, claim, ok=outcome.ok, reason=outcome.reason, error=outcome.error, now=self.now()
            )
        return len(claims)

    async def _send(self, claim: Claim, payload: dict[str, object] | None) -> Outcome:
        if payload is None:
            return Outcome(True)  # nothing to say after all (e.g. an event this version no longer translates)
        transport = self.socket if claim.socket_mode else self.http
        if transport is None:
            return Outcome(False, 'connection_failed', 'Socket Mode is not available on this node')
        try:
            return await transport.send(claim, payload)
        except Exception as error:  # a transport bug must not stop the worker; the delivery is retried
            log.exception('delivery %s failed in its transport', claim.delivery_id)
            return Outcome(False, 'connection_failed', f'{type(error).__name__}')

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        outbox.on_staged(self.wake)
        self._task = asyncio.create_task(self._run(), name='events-api-worker')

    async def stop(self) -> None:
        outbox.clear_wakers()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if isinstance(self.http, HttpTransport):
            await self.http.close()

    def wake(self) -> None:
        """Thread-safe: called after a commit in a worker thread."""
        loop, event = self._loop, self._wake
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            try:
                busy = await self.run_once()
                await self._maybe_prune()
            except DatabaseUnavailable:  # busy or down: nothing is lost (the queue is in it), try again later
                log.warning('events API worker: the database is unavailable; retrying in %s s', POLL_SECONDS)
                busy = 0
            except Exception:  # a bug: log, wait, try again
                log.exception('events API worker round failed')
                busy = 0
            if busy:
                continue  # there may be more (or an immediate retry) waiting
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    async def _maybe_prune(self) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        await off_loop(prune)


def _payloads(claims: list[Claim]) -> dict[int, dict[str, object]]:
    """The envelopes of a batch, with the channel kinds and bot authors asked once for all of them."""
    events: dict[int, Event] = {claim.delivery_id: from_json(claim.event_json) for claim in claims}
    channel_ids: set[int] = set()
    people: set[int] = set()
    for event in events.values():
        if isinstance(event, MessageCreated | MessageUpdated):
            channel_ids.add(event.message.channel_id)
            people.add(event.message.author_id)
        elif isinstance(event, MessageDeleted | ReactionChanged):
            channel_ids.add(event.channel_id)
        elif isinstance(event, UserChanged):
            people.add(event.user.id)
        channel_id = getattr(event, 'channel_id', None)
        if isinstance(channel_id, int):
            channel_ids.add(channel_id)
    kinds = channel_kinds(channel_ids)
    bots = bot_user_ids(people)
    payloads: dict[int, dict[str, object]] = {}
    for claim in claims:
        inner = slack_event(
            events[claim.delivery_id],
            claim.event_type,
            workspace_id=claim.workspace_id,
            channel_kinds=kinds,
            bot_ids=bots,
            event_time=claim.event_time,
        )
        if inner is not None:
            payloads[claim.delivery_id] = envelope(claim, inner)
    return payloads


worker = DeliveryWorker()
