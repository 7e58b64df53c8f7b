"""The Redis bus backend: several nodes share every published event through one Redis pub/sub channel.

One channel for all topics, not one per topic: every node receives every event and `Bus.deliver_local` drops
the ones nobody on that node follows (a dict look-up). Per-topic channels would make each node SUBSCRIBE and
UNSUBSCRIBE whenever a tab opens or switches a conversation (thousands of topics, constant churn, one round
trip each), and would lose the order between topics that one channel keeps for free. Behind a sticky-session
proxy the members of a conversation are spread over the nodes anyway, so most events interest most nodes.

A node delivers its own events to its own subscribers at once, inside `publish` (exactly as the in-process
backend does), and ignores their echo from Redis: no double delivery, no extra latency, and a node never loses
its own events while Redis is down. `publish` does no I/O: it serializes the batch into one message and queues
it; a sender task sends the queue in order and keeps it (bounded) through an outage, retrying with backoff.
Each message carries the node id and a sequence number, so a message sent twice after a half-failed send is
delivered once. A receiver task subscribes and re-subscribes after a drop, with backoff, logging both.

Pub/sub has no replay: an event published while a node's subscription is down never reaches that node. Views
recover as they do after any reconnect (rule 4: they catch up from the database), and presence repairs itself
with the next full presence report (state/stores/presence_cluster.py).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from collections import deque
from collections.abc import Callable

import redis.asyncio as redis
from pydantic import BaseModel, ValidationError
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from state.events import Event

log = logging.getLogger(__name__)

CHANNEL = 'teamchat:bus'
MAX_PENDING = 10_000  # queued messages kept through an outage; the oldest go first when it fills up
SEND_BATCH = 100  # messages per pipelined round trip
START_WAIT_SECONDS = 5.0  # how long start() waits for the first subscription before serving without it
BACKOFF_FIRST, BACKOFF_CAP = 0.1, 5.0


class Envelope(BaseModel):
    """One published batch as it travels: who sent it, its place in that node's sequence, the events."""

    node: str
    seq: int
    items: list[tuple[str, Event]]


def backoff_seconds(failures: int, first: float = BACKOFF_FIRST, cap: float = BACKOFF_CAP) -> float:
    return min(cap, first * 2 ** max(0, failures - 1))


class RedisBackend:
    def __init__(
        self,
        url: str,
        *,
        channel: str = CHANNEL,
        node_id: str | None = None,
        max_pending: int = MAX_PENDING,
        start_wait: float = START_WAIT_SECONDS,
    ) -> None:
        self.url = url
        self.channel = channel
        self.node_id = node_id or uuid.uuid4().hex[:12]
        self.max_pending = max_pending
        self.start_wait = start_wait
        self.dropped = 0  # queued messages given up because the queue was full during an outage
        self.reconnects = 0  # times the subscription came back after it was lost (the live inspector)
        self._deliver: Callable[[str, Event], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._seq = itertools.count(1)
        self._pending: deque[tuple[int, str]] = deque()
        self._wakeup = asyncio.Event()
        self._subscribed = asyncio.Event()
        self._last_seq: dict[str, int] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False  # redis-py may turn a cancellation into a connection error: the loops check this

    # ---- Backend protocol -----------------------------------------------------------------------------------

    async def start(self, deliver: Callable[[str, Event], None]) -> None:
        self._stopping = False
        self._deliver = deliver
        self._loop = asyncio.get_running_loop()
        self._tasks = [
            asyncio.create_task(self._send_loop(), name='redis-bus-send'),
            asyncio.create_task(self._receive_loop(), name='redis-bus-receive'),
        ]
        try:
            await asyncio.wait_for(self._subscribed.wait(), self.start_wait)
        except TimeoutError:
            log.warning('Redis bus: no subscription after %.0f s; serving this node alone, retrying', self.start_wait)

    async def stop(self, flush_seconds: float = 2.0) -> None:
        """Give queued events (a presence goodbye, the last messages) a moment to leave, then stop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + flush_seconds
        while self._pending and self._subscribed.is_set() and loop.time() < deadline:
            await asyncio.sleep(0.02)
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        _, still_running = await asyncio.wait(self._tasks, timeout=5.0)
        if still_running:
            log.warning('Redis bus: %d task(s) did not stop within 5 s', len(still_running))
        self._tasks = []
        self._deliver = None

    def publish(self, items: list[tuple[str, Event]]) -> None:
        deliver = self._deliver
        if deliver is None:
            return  # not started (a CLI command): nobody listens in this process
        for topic, event in items:
            deliver(topic, event)
        seq = next(self._seq)
        payload = Envelope(node=self.node_id, seq=seq, items=items).model_dump_json()
        loop = self._loop
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop or loop is None:
            self._enqueue(seq, payload)
        else:
            loop.call_soon_threadsafe(self._enqueue, seq, payload)  # a worker thread published

    # ---- state for tests and the admin view ----------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def subscribed(self) -> bool:
        return self._subscribed.is_set()

    async def wait_subscribed(self, timeout: float) -> None:
        await asyncio.wait_for(self._subscribed.wait(), timeout)

    # ---- machinery ------------------------------------------------------------------------------------------

    def _client(self) -> redis.Redis:
        # No hidden retries inside redis-py: the loops below own retrying, backoff and logging.
        return redis.Redis.from_url(
            self.url,
            socket_connect_timeout=2,
            socket_keepalive=True,
            health_check_interval=15,
            retry=Retry(NoBackoff(), 0),
        )

    def _enqueue(self, seq: int, payload: str) -> None:
        if len(self._pending) >= self.max_pending:
            self._pending.popleft()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning('Redis bus: queue full while Redis is unreachable; %d events dropped', self.dropped)
        self._pending.append((seq, payload))
        self._wakeup.set()

    async def _send_loop(self) -> None:
        client: redis.Redis | None = None
        failures = 0
        try:
            while not self._stopping:
                if not self._pending:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                batch = list(itertools.islice(self._pending, SEND_BATCH))
                try:
                    if client is None:
                        client = self._client()
                    async with client.pipeline(transaction=False) as pipe:
                        for _, payload in batch:
                            pipe.publish(self.channel, payload)
                        await pipe.execute()
                except (redis.RedisError, OSError) as error:
                    if self._stopping:
                        return
                    failures += 1
                    if failures == 1:
                        log.warning('Redis bus: publish failed (%s); keeping events queued and retrying', error)
                    if client is not None:
                        await client.aclose()
                        client = None
                    await asyncio.sleep(backoff_seconds(failures))
                    continue
                # Only now drop what was sent (the queue may have lost its head to overflow meanwhile).
                sent = batch[-1][0]
                while self._pending and self._pending[0][0] <= sent:
                    self._pending.popleft()
                if failures:
                    log.warning('Redis bus: publishing again after %d failed attempts', failures)
                    failures = 0
        finally:
            if client is not None:
                await client.aclose()

    async def _receive_loop(self) -> None:
        failures = 0
        while not self._stopping:
            client = self._client()
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self._subscribed.set()
                if failures:
                    log.warning('Redis bus: subscribed again after %d failed attempts', failures)
                    self.reconnects += 1
                    failures = 0
                async for message in pubsub.listen():
                    if message.get('type') == 'message':
                        self._receive(message['data'])
            except (redis.RedisError, OSError) as error:
                if self._stopping:
                    return
                failures += 1
                if failures == 1:
                    log.warning('Redis bus: subscription lost (%s); reconnecting with backoff', error)
            finally:
                self._subscribed.clear()
                await pubsub.aclose()
                await client.aclose()
            await asyncio.sleep(backoff_seconds(failures))

    def _receive(self, data: bytes | str) -> None:
        try:
            envelope = Envelope.model_validate_json(data)
        except ValidationError:
            log.warning('Redis bus: dropped a message that is not a bus envelope (%d bytes)', len(data))
            return
        if envelope.node == self.node_id:
            return  # our own event: delivered locally when it was published
        if envelope.seq <= self._last_seq.get(envelope.node, 0):
            return  # sent again after a half-failed batch
        self._last_seq[envelope.node] = envelope.seq
        deliver = self._deliver
        if deliver is None:
            return
        for topic, event in envelope.items:
            deliver(topic, event)
