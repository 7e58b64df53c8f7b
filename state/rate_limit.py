"""Per-user rate limits for actions that write, and the Web API's reads: a token bucket per (user, kind).

Sustained `rate` per second with bursts up to `burst`; a refused call raises `RateLimited` with the seconds
to wait, which the UI shows and the API turns into 429 + Retry-After. With Redis configured the buckets are
shared by all nodes (`share`, state/shared_limits.py), so N nodes do not allow N times the rate; when Redis does
not answer, each node counts on its own until it does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from state.errors import RateLimited
from state.shared_limits import SharedLimits


@dataclass(frozen=True)
class Limit:
    rate: float  # tokens per second
    burst: int


# Generous for people, tight enough that a runaway script cannot flood a channel (Slack: ~1 msg/s/channel).
LIMITS: dict[str, Limit] = {
    'message': Limit(rate=5.0, burst=20),
    'reaction': Limit(rate=10.0, burst=30),
    'pin': Limit(rate=2.0, burst=20),  # each pin or unpin reaches every tab of the channel
    'channel': Limit(rate=0.2, burst=10),
    'upload': Limit(rate=2.0, burst=20),
    # A search is a few ms of database time; this allows paging through results and rules out scraping.
    'search': Limit(rate=2.0, burst=20),
    # Events that write and fan out to other people's tabs: read marks (each may send a receipt), typing starts,
    # new DMs and group DMs (they land in others' sidebars and cannot be left), and new workspaces.
    'read': Limit(rate=5.0, burst=30),
    'typing': Limit(rate=0.5, burst=5),
    'direct': Limit(rate=0.2, burst=10),
    'workspace': Limit(rate=1 / 60, burst=5),
    # Slack allows an incoming webhook about one post a second, with short bursts (per webhook: its bot user).
    'webhook': Limit(rate=1.0, burst=20),
    # The Web API's read methods, in Slack's tiers (api/slack/tiers.py): per minute, with a minute's burst.
    'api_tier2': Limit(rate=20 / 60, burst=20),
    'api_tier3': Limit(rate=50 / 60, burst=50),
    'api_tier4': Limit(rate=100 / 60, burst=100),
    # Invitations by e-mail go to addresses outside the server: a handful at once, then one every 30 s.
    'invite_email': Limit(rate=1 / 30, burst=20),
}

_SWEEP_AT_KEYS = 10_000
_exempt: ContextVar[bool] = ContextVar('rate_limit_exempt', default=False)


@contextmanager
def exempt() -> Iterator[None]:
    """Trusted bulk work in this process (seeding a demo, building test history) is not a flood."""
    token = _exempt.set(True)
    try:
        yield
    finally:
        _exempt.reset(token)


class RateLimiter:
    def __init__(self, limits: dict[str, Limit] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits or LIMITS
        self._clock = clock
        self._buckets: dict[tuple[str, int], tuple[float, float]] = {}  # key -> (tokens, last refill time)
        self._lock = threading.Lock()  # uploads are stored from worker threads
        self._shared: SharedLimits | None = None

    def share(self, shared: SharedLimits | None) -> None:
        """Count through Redis from now on (None: back to this node alone)."""
        self._shared = shared

    def take(self, kind: str, user_id: int) -> None:
        """Spend one token of `kind` for `user_id`, or raise RateLimited (and spend nothing)."""
        if _exempt.get():
            return
        limit = self._limits[kind]
        shared = self._shared
        wait = shared.take(f'rate:{kind}:{user_id}', limit.rate, limit.burst) if shared is not None else None
        if wait is not None:
            if wait > 0:
                raise _refused(wait)
            return
        now = self._clock()
        with self._lock:
            if len(self._buckets) >= _SWEEP_AT_KEYS:
                self._sweep(now)
            tokens, last = self._buckets.get((kind, user_id), (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + (now - last) * limit.rate)
            if tokens < 1.0:
                wait = (1.0 - tokens) / limit.rate
                self._buckets[(kind, user_id)] = (tokens, now)
                raise _refused(wait)
            self._buckets[(kind, user_id)] = (tokens - 1.0, now)

    def allows(self, kind: str, user_id: int) -> bool:
        """`take` for things that are dropped quietly when too frequent (a typing start) rather than refused."""
        try:
            self.take(kind, user_id)
        except RateLimited:
            return False
        return True

    def give_back(self, kind: str, user_id: int) -> None:
        """Return a token spent by a call that turned out not to count (a retried send of a stored message)."""
        if _exempt.get():
            return
        limit = self._limits[kind]
        shared = self._shared
        if shared is not None and shared.give_back(f'rate:{kind}:{user_id}', limit.burst) is not None:
            return
        with self._lock:
            tokens, last = self._buckets.get((kind, user_id), (float(limit.burst), self._clock()))
            self._buckets[(kind, user_id)] = (min(float(limit.burst), tokens + 1.0), last)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def _sweep(self, now: float) -> None:
        # Full buckets carry no information: drop them.
        for key, (tokens, last) in list(self._buckets.items()):
            limit = self._limits[key[0]]
            if tokens + (now - last) * limit.rate >= limit.burst:
                del self._buckets[key]


def _refused(wait: float) -> RateLimited:
    return RateLimited(f'You are doing that too fast; try again in {max(1, round(wait))} s.', retry_after=wait)


limiter = RateLimiter()
