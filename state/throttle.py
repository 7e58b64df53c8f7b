"""Failed-login throttle: a sliding window of failures per account and per client IP, kept in memory.

In memory is enough for one node. Several nodes behind a sticky proxy each count on their own, so an attacker
spread over N nodes gets N times the budget; that is accepted (each guess still costs ~25 ms of argon2).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from settings import get_settings
from state.errors import RateLimited

# Sweep expired keys once the table holds this many, so a flood of distinct IPs cannot grow it without bound.
_SWEEP_AT_KEYS = 10_000


def account_key(email: str) -> str:
    return f'account:{email}'


def ip_key(ip: str) -> str:
    return f'ip:{ip}'


class LoginThrottle:
    """Counts failures per key; `check` refuses once a key has `limit` failures inside the window.

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
    ) -> None:
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

    def check(self, keys: Iterable[str]) -> None:
        """Raise RateLimited when any key is over its budget; the message says how long to wait."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                failures = self._current(key, now)
                limit = self.limit_for(key)
                if failures is not None and len(failures) >= limit:
                    # The oldest failure that keeps the count at the limit must leave the window first.
                    wait = max(wait, failures[-limit] + self.window - now)
        if wait > 0:
            minutes = max(1, math.ceil(wait / 60))
            unit = 'minute' if minutes == 1 else 'minutes'
            raise RateLimited(f'Too many attempts, try again in {minutes} {unit}.', retry_after=wait)

    def record_failure(self, keys: Iterable[str]) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) >= _SWEEP_AT_KEYS:
                for key in list(self._failures):
                    self._current(key, now)
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def clear(self, key: str) -> None:
        """Forget a key's failures (a successful login clears its account, not its IP)."""
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


login_throttle = LoginThrottle()

# Sign-ups from the browser count per client IP in the same window: generous for an office behind one
# address, tight enough that a script cannot mint accounts in bulk. The CLI, the demo seed and programs that
# call the action without an address are not counted.
SIGNUPS_PER_IP_WINDOW = 20
signup_throttle = LoginThrottle(limit=SIGNUPS_PER_IP_WINDOW, ip_limit=SIGNUPS_PER_IP_WINDOW)
