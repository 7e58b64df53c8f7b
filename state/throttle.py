"""Failed-login throttle, kept in memory: growing delays per account and address pair, a window per address.

Failures of one account from one address (a pair) cost nothing for the first few, then each further try waits
twice as long as the one before (1 s, 2 s, 4 s, ... at most the window): a guesser slows to a crawl while the
owner, who logs in from another address, is never locked out by someone else's failures. Each address also
has a sliding-window budget across all accounts (larger, since an office or a NAT shares one address), which
bounds spraying one password over many accounts. The same sliding window counts sign-ups per address.

In memory on one node. With Redis configured (`share`, state/shared_limits.py) every node counts in the same
sorted sets, so an attacker spread over N nodes does not get N times the budget; when Redis does not answer,
each node counts on its own until it does (the failures recorded meanwhile stay local).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from settings import get_settings
from state.errors import RateLimited
from state.shared_limits import SharedLimits

# Sweep expired keys once the table holds this many, so a flood of distinct IPs cannot grow it without bound.
_SWEEP_AT_KEYS = 10_000


PAIR_PREFIX = 'pair:'
FIRST_DELAY_SECONDS = 1.0


def pair_key(email: str, ip: str) -> str:
    return f'{PAIR_PREFIX}{email}|{ip}'


def ip_key(ip: str) -> str:
    return f'ip:{ip}'


class LoginThrottle:
    """Counts failures per key; `check` refuses once a key has `limit` failures inside the window.

    Pair keys (`pair_key`) then wait a growing delay after their latest failure instead of the whole window.

    Limit and window default to the settings at call time; tests pass them and a fake clock explicitly.
    Thread-safe, because login verification runs in a worker thread (argon2 must not block the event loop).
    """

    def __init__(
        self,
        limit: int | None = None,
        window_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        ip_limit: int | None = None,
        name: str = 'login',
    ) -> None:
        self.name = name  # keeps this throttle's keys apart from the others' in Redis
        self._shared: SharedLimits | None = None
        self._limit = limit
        self._ip_limit = ip_limit
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @property
    def limit(self) -> int:
        return self._limit if self._limit is not None else get_settings().login_attempts_per_window

    def limit_for(self, key: str) -> int:
        """Accounts get the small budget; an IP gets a larger one (an office or a NAT shares one address)."""
        if not key.startswith('ip:'):
            return self.limit
        if self._ip_limit is not None:
            return self._ip_limit
        return self._limit if self._limit is not None else get_settings().login_attempts_per_ip_window

    @property
    def window(self) -> float:
        return self._window if self._window is not None else get_settings().login_window_seconds

    def share(self, shared: SharedLimits | None) -> None:
        """Count through Redis from now on (None: back to this node alone)."""
        self._shared = shared

    def check(self, keys: Iterable[str]) -> None:
        """Raise RateLimited when any key is over its budget; the message says how long to wait."""
        wait = max((self._wait(key) for key in keys), default=0.0)
        if wait > 0:
            raise RateLimited(f'Too many attempts, try again in {_duration(wait)}.', retry_after=wait)

    def _wait(self, key: str) -> float:
        limit = self.limit_for(key)
        shared = self._shared
        recent = shared.recent(self._shared_key(key), self.window, limit) if shared is not None else None
        if recent is not None:
            now, count, newest = recent
        else:
            now = self._clock()
            with self._lock:
                failures = self._current(key, now)
                count, newest = (0, []) if failures is None else (len(failures), list(failures)[-limit:])
        if count < limit:
            return 0.0
        return self._free_at(key, count, newest, limit) - now

    def _free_at(self, key: str, count: int, newest: Sequence[float], limit: int) -> float:
        """When a key with `count` failures, the newest `limit` of them given, may try again."""
        if key.startswith(PAIR_PREFIX):
            delay = min(self.window, FIRST_DELAY_SECONDS * 2 ** (count - limit))
            return newest[-1] + delay
        # The oldest failure that keeps the count at the limit must leave the window first.
        return newest[-limit] + self.window

    def _shared_key(self, key: str) -> str:
        return f'{self.name}:{key}'

    def record_failure(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        shared = self._shared
        if shared is not None and shared.record_failure([self._shared_key(k) for k in keys], self.window):
            return
        now = self._clock()
        with self._lock:
            if len(self._failures) >= _SWEEP_AT_KEYS:
                for key in list(self._failures):
                    self._current(key, now)
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def clear(self, key: str) -> None:
        """Forget a key's failures (a successful login clears its account, not its IP)."""
        if self._shared is not None:
            self._shared.clear(self._shared_key(key))
        with self._lock:
            self._failures.pop(key, None)

    def reset(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._failures.clear()

    def _current(self, key: str, now: float) -> deque[float] | None:
        """The key's failures inside the window, after dropping older ones (and the key when none remain)."""
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures


def _duration(seconds: float) -> str:
    if seconds < 60:
        whole = max(1, math.ceil(seconds))
        return f'{whole} second' if whole == 1 else f'{whole} seconds'
    minutes = math.ceil(seconds / 60)
    return f'{minutes} minute' if minutes == 1 else f'{minutes} minutes'


login_throttle = LoginThrottle()

# Sign-ups from the browser count per client IP in the same window: generous for an office behind one
# address, tight enough that a script cannot mint accounts in bulk. The CLI, the demo seed and programs that
# call the action without an address are not counted.
SIGNUPS_PER_IP_WINDOW = 20
signup_throttle = LoginThrottle(limit=SIGNUPS_PER_IP_WINDOW, ip_limit=SIGNUPS_PER_IP_WINDOW, name='signup')

# "An account with this email already exists" confirms an address; one address may hear it only a few times
# per window, after which every sign-up from it waits, taken or not, so the answer confirms nothing more.
TAKEN_ANSWERS_PER_IP_WINDOW = 5
taken_email_throttle = LoginThrottle(
    limit=TAKEN_ANSWERS_PER_IP_WINDOW, ip_limit=TAKEN_ANSWERS_PER_IP_WINDOW, name='taken-email'
)


def share_all(shared: SharedLimits | None) -> None:
    """All the throttles of this module count through `shared` (None: on this node alone)."""
    for throttle in (login_throttle, signup_throttle, taken_email_throttle):
        throttle.share(shared)
