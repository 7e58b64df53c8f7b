"""Single-use tickets for Socket Mode URLs: `apps.connections.open` issues one, the WebSocket redeems it.

A ticket is random (256 bits), lives for `TICKET_SECONDS`, works once, and is kept only as its hash. The book is
in memory, one per node: the client connects to the node that answered `apps.connections.open` (one node, or
a proxy that keeps a client on one node), so no other node needs to know it. An app holds at most
`TICKETS_PER_APP` unused tickets (a client that asks in a loop pushes out its own oldest ones), so the book's
size is bounded by the number of apps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from state.actions.apps import AppSummary
from state.security import new_token, token_hash

TICKET_SECONDS = 30.0
TICKETS_PER_APP = 10
TICKET_MAX_CHARS = 100  # ours are 43; anything much longer is not one


@dataclass(frozen=True)
class _Ticket:
    app: AppSummary
    expires_at: float


class TicketBook:
    """Thread-safe: `apps.connections.open` runs in a worker thread, the WebSocket on the event loop."""

    def __init__(self, seconds: float = TICKET_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._tickets: dict[str, _Ticket] = {}  # hash -> ticket, in the order they were issued

    def issue(self, app: AppSummary) -> str:
        ticket = new_token()
        now = self._clock()
        with self._lock:
            self._forget_expired(now)
            mine = [key for key, held in self._tickets.items() if held.app.id == app.id]
            for key in mine[: max(0, len(mine) - TICKETS_PER_APP + 1)]:
                del self._tickets[key]
            self._tickets[token_hash(ticket)] = _Ticket(app, now + self._seconds)
        return ticket

    def redeem(self, ticket: str) -> AppSummary | None:
        """The app the ticket was issued to, once; None when forged, used or expired."""
        if not ticket or len(ticket) > TICKET_MAX_CHARS:
            return None
        with self._lock:
            held = self._tickets.pop(token_hash(ticket), None)
        if held is None or held.expires_at <= self._clock():
            return None
        return held.app

    def __len__(self) -> int:
        with self._lock:
            return len(self._tickets)

    def clear(self) -> None:
        with self._lock:
            self._tickets.clear()

    def _forget_expired(self, now: float) -> None:
        for key in [key for key, held in self._tickets.items() if held.expires_at <= now]:
            del self._tickets[key]


tickets = TicketBook()
