"""One-time, short-lived login tickets that carry a checked login from a websocket callback to an HTTP request.

A websocket handler cannot set cookies, so after the credentials check the page navigates the browser to a
plain route with a ticket; that route rotates the session cookie and opens the DB session. A ticket is bound
to the browser session id that asked for it, so a ticket handed to someone else (login CSRF) is worthless.
In memory: with several nodes the sticky proxy sends the follow-up request to the node that issued it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

TICKET_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class _Ticket:
    user_id: int
    browser_id: str
    expires_at: float


class LoginTickets:
    def __init__(self, ttl_seconds: float = TICKET_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._tickets: dict[str, _Ticket] = {}
        self._lock = threading.Lock()

    def issue(self, user_id: int, browser_id: str) -> str:
        ticket = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            for key in [key for key, entry in self._tickets.items() if entry.expires_at <= now]:
                del self._tickets[key]
            self._tickets[ticket] = _Ticket(user_id, browser_id, now + self._ttl)
        return ticket

    def redeem(self, ticket: str, browser_id: str | None) -> int | None:
        """The user id, once: a second redeem, an expired ticket or another browser gets None."""
        with self._lock:
            entry = self._tickets.pop(ticket, None)
        if entry is None or entry.expires_at <= self._clock() or browser_id is None:
            return None
        if not secrets.compare_digest(entry.browser_id, browser_id):
            return None
        return entry.user_id

    def reset(self) -> None:
        with self._lock:
            self._tickets.clear()


login_tickets = LoginTickets()
