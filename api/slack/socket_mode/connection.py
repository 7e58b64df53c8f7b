"""One app's Socket Mode WebSocket: a bounded outbox drained by one writer task, and the envelopes awaiting acks.

Memory per connection is bounded: at most `MAX_IN_FLIGHT` envelopes wait for an ack, and the outbox holds no
more than that (plus the closing messages), so a client that stops reading makes `deliver` say "no room"
instead of growing a queue; its durable caller redelivers later.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from starlette.websockets import WebSocket, WebSocketState

from api.slack.socket_mode import envelopes
from state.actions.apps import AppSummary

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 100
MAX_ACK_CHARS = 1_000_000  # an ack may carry a slash command's answer (blocks); the Web API's body cap


class Connection:
    def __init__(self, websocket: WebSocket, app: AppSummary) -> None:
        self.websocket = websocket
        self.app = app
        self.ready = False  # hello sent: envelopes may go out
        self.closing = False
        self.sent = 0  # envelopes handed to this connection (spreads an app's envelopes over its connections)
        self._pending: dict[str, asyncio.Future[dict[str, Any] | None]] = {}
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue(MAX_IN_FLIGHT + 2)  # None: close after sending
        self._writer: asyncio.Task[None] | None = None

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def has_room(self) -> bool:
        # The outbox is checked too: an envelope whose wait timed out may still sit there behind a slow reader.
        busy = max(len(self._pending), self._outbox.qsize())
        return self.ready and not self.closing and busy < MAX_IN_FLIGHT

    async def start(self, hello: dict[str, Any]) -> None:
        await self.websocket.send_text(json.dumps(hello))
        self._writer = asyncio.create_task(self._write(), name=f'socket-mode:{self.app.id}')
        self.ready = True

    def send_envelope(self, envelope_id: str, envelope: dict[str, Any]) -> asyncio.Future[dict[str, Any] | None]:
        """Queue an envelope; the future gets the ack's payload, or None when the connection ends first."""
        text = json.dumps(envelope)  # first: a payload that is not JSON leaves nothing behind
        future: asyncio.Future[dict[str, Any] | None] = asyncio.get_running_loop().create_future()
        self._outbox.put_nowait(text)  # cannot overflow: the caller asked has_room() in this same step
        self._pending[envelope_id] = future
        self.sent += 1
        return future

    def forget(self, envelope_id: str) -> None:
        self._pending.pop(envelope_id, None)

    async def read_acks(self) -> None:
        """Until the client goes: resolve the envelopes it acknowledges (`{"envelope_id", "payload"}`)."""
        while True:
            message = await self.websocket.receive()
            if message['type'] == 'websocket.disconnect':
                return
            text = message.get('text')
            if text is None and message.get('bytes') is not None:
                text = message['bytes'].decode('utf-8', errors='replace')
            if text is not None and len(text) <= MAX_ACK_CHARS:
                self._take_ack(text)

    def close(self, reason: str) -> None:
        """Say `disconnect` (Slack's reasons: warning, refresh_requested, link_disabled), then close."""
        if self.closing:
            return
        self.closing = True
        self._fail_pending()  # an ack after this would come too late to count; the caller redelivers
        if not self.ready:
            return  # not accepted yet: whoever accepts sees `closing` and refuses instead
        for item in (json.dumps(envelopes.disconnect(reason)), None):
            with contextlib.suppress(asyncio.QueueFull):  # a full outbox: the writer is stuck, closing anyway
                self._outbox.put_nowait(item)

    async def wait_closed(self, timeout: float) -> None:
        writer = self._writer
        if writer is not None and not writer.done():
            await asyncio.wait([writer], timeout=timeout)

    def ended(self) -> None:
        """The client is gone: nobody will ack, and the writer has nothing left to do."""
        self.closing = True
        self._fail_pending()
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()

    def _take_ack(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            return
        if not isinstance(data, dict) or not isinstance(data.get('envelope_id'), str):
            return
        future = self._pending.pop(data['envelope_id'], None)
        if future is not None and not future.done():
            payload = data.get('payload')
            future.set_result(payload if isinstance(payload, dict) else {})

    def _fail_pending(self) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_result(None)

    async def _write(self) -> None:
        try:
            while (text := await self._outbox.get()) is not None:
                await self.websocket.send_text(text)
            if self.websocket.application_state == WebSocketState.CONNECTED:
                await self.websocket.close(code=1000)
        except Exception:  # the client went away mid-send; the reader sees the disconnect and cleans up
            log.debug('socket mode connection of app %s ended while writing', self.app.id, exc_info=True)
