"""Events per second over the last minute, in 60 one-second buckets and without a timer: each count and each
read moves the window (the live inspector's browser and bus event rates)."""

from __future__ import annotations

import time
from collections.abc import Callable

WINDOW_SECONDS = 60


class EventRate:
    """Events per second over the last `WINDOW_SECONDS`, counted into one-second buckets."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets = [0] * WINDOW_SECONDS
        self._second = int(clock())

    def count(self, n: int = 1) -> None:
        self._advance()
        self._buckets[self._second % WINDOW_SECONDS] += n

    def per_second(self) -> float:
        self._advance()
        return sum(self._buckets) / WINDOW_SECONDS

    def _advance(self) -> None:
        now = int(self._clock())
        if now == self._second:
            return
        for second in range(self._second + 1, min(now, self._second + WINDOW_SECONDS) + 1):
            self._buckets[second % WINDOW_SECONDS] = 0
        self._second = now
