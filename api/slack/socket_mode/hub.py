"""`socket_hub`: this node's Socket Mode connections, and `deliver`, which hands one envelope to one of them.

The Events API's durable queue (and the slash commands of Socket Mode apps) call `deliver`; it answers the
ack's payload or None (not connected here, no room, no ack in time, connection gone), and the caller keeps the
event to redeliver it later with `retry_attempt` + 1. Everything runs on the event loop and nothing waits
without a timeout. A disabled app's connections are closed with `link_disabled` (the hub follows `AppChanged`
on the workspace topic of every app connected here); server shutdown closes all with `warning`.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket

from api.slack.socket_mode import envelopes
from api.slack.socket_mode.connection import Connection
from state.actions.apps import AppSummary, enabled_app
from state.blocking import off_loop
from state.bus import Subscription, bus, workspace_topic
from state.events import AppChanged, Event

MAX_CONNECTIONS_PER_APP = 10  # as Slack
REFUSED = 1008  # policy violation: closing before accept answers the handshake with HTTP 403


@dataclass(frozen=True)
class Ack:
    payload: dict[str, Any]  # empty for a plain ack; a slash command's immediate answer when it has one


class SocketHub:
    def __init__(self) -> None:
        self._by_app: dict[int, list[Connection]] = {}
        self._watching: dict[int, Subscription] = {}  # workspace id -> its AppChanged subscription

    def connected_app_ids(self) -> set[int]:
        return {app_id for app_id, connections in self._by_app.items() if any(c.ready for c in connections)}

    def connection_count(self, app_id: int) -> int:
        return sum(1 for c in self._by_app.get(app_id, ()) if not c.closing)

    async def deliver(
        self,
        app_id: int,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = '',
        accepts_response_payload: bool = False,
        timeout: float = 3.0,
    ) -> Ack | None:
        """Send one envelope to one of the app's connections and wait for its ack."""
        connection = self._pick(app_id)
        if connection is None:
            return None
        envelope_id = str(uuid.uuid4())
        message = envelopes.envelope(
            envelope_id,
            envelope_type,
            payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        answer = connection.send_envelope(envelope_id, message)
        try:
            acked = await asyncio.wait_for(answer, timeout)
        except TimeoutError:
            return None
        finally:
            connection.forget(envelope_id)
        return None if acked is None else Ack(acked)

    async def serve(self, websocket: WebSocket, app: AppSummary) -> None:
        """Run one client's connection, from the handshake until it ends."""
        if self.connection_count(app.id) >= MAX_CONNECTIONS_PER_APP:
            await websocket.close(code=REFUSED)
            return
        connection = Connection(websocket, app)
        self._add(connection)  # watching the workspace first: a switch-off from now on reaches this connection
        try:
            if await off_loop(enabled_app, app.id) is None or connection.closing:
                await websocket.close(code=REFUSED)
                return
            await websocket.accept()
            await connection.start(envelopes.hello(app.id, self.connection_count(app.id)))
            await connection.read_acks()
        finally:
            connection.ended()
            self._remove(connection)

    async def close_all(self, reason: str = 'warning', timeout: float = 2.0) -> None:
        """Before the server stops: every client hears `disconnect` and reconnects (to another node, or later)."""
        connections = [c for group in self._by_app.values() for c in group]
        for connection in connections:
            connection.close(reason)
        await self._wait_closed(connections, timeout)

    def _pick(self, app_id: int) -> Connection | None:
        ready = [c for c in self._by_app.get(app_id, ()) if c.has_room()]
        return min(ready, key=lambda c: (c.in_flight, c.sent)) if ready else None

    def _add(self, connection: Connection) -> None:
        self._by_app.setdefault(connection.app.id, []).append(connection)
        workspace_id = connection.app.workspace_id
        if workspace_id not in self._watching:
            self._watching[workspace_id] = bus.subscribe(workspace_topic(workspace_id), self._on_event, detached=True)

    def _remove(self, connection: Connection) -> None:
        app_id, workspace_id = connection.app.id, connection.app.workspace_id
        group = self._by_app.get(app_id, [])
        if connection in group:
            group.remove(connection)
        if not group:
            self._by_app.pop(app_id, None)
        if not any(c.app.workspace_id == workspace_id for g in self._by_app.values() for c in g):
            subscription = self._watching.pop(workspace_id, None)
            if subscription is not None:
                subscription.cancel()

    def _on_event(self, event: Event) -> None:
        if isinstance(event, AppChanged) and event.disabled:
            for connection in list(self._by_app.get(event.app_id, ())):
                connection.close('link_disabled')  # queues `disconnect` and the close; the writer sends them

    @staticmethod
    async def _wait_closed(connections: list[Connection], timeout: float) -> None:
        if connections:
            await asyncio.gather(*(c.wait_closed(timeout) for c in connections))


socket_hub = SocketHub()
