"""Rate-limit buckets and log-in throttle counts shared by every node through Redis (with `CHAT_REDIS_URL`).

Without sharing, N nodes each allow the full budget, so a client spread over them (no sticky cookie, a script)
gets N times the rate and N times the password guesses. Each operation is one Lua script, so it is atomic
across nodes without locks, and uses Redis' own clock (`TIME`), so nodes whose clocks disagree still agree on
the windows.

Redis being slow or gone must not stop log-ins or messages: every call has a short timeout, and a failure
returns None, which makes the caller count locally (state/rate_limit.py, state/throttle.py) for
`RETRY_AFTER_SECONDS` before it asks Redis again. Counting locally during an outage is the old per-node
behaviour: weaker, never closed.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

PREFIX = 'teamchat:limit:'
TIMEOUT_SECONDS = 0.25  # a limit check runs inside a person's action: fail over fast
RETRY_AFTER_SECONDS = 5.0  # after a failure, count locally this long before trying Redis again

T = TypeVar('T')

# Token bucket: refill by elapsed time, take one token or answer how long to wait. Returns the wait as a string
# (Redis turns Lua numbers into integers).
_TAKE = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate else tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return tostring(wait)
"""

_GIVE_BACK = """
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens then redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[1]), tokens + 1))) end
return 1
"""

# Failures as a sorted set of times per key: add one now to each key, drop what left the window.
_RECORD = """
local window = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('ZADD', key, now, tostring(now) .. ':' .. ARGV[2] .. ':' .. i)
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
end
return 1
"""

# One key's failures inside the window: {now, count, the newest `keep` times oldest first}.
_RECENT = """
local window, keep = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local newest = redis.call('ZRANGE', KEYS[1], -keep, -1, 'WITHSCORES')
local answer = {tostring(now), count}
for i = 2, #newest, 2 do table.insert(answer, newest[i]) end
return answer
"""


class SharedLimits:
    """The Redis side of the limits; every method returns None when Redis did not answer (count locally)."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = PREFIX,
        timeout: float = TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.prefix = prefix
        self._clock = clock
        self._down_until = 0.0
        self._failures = 0
        self._client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        self._take = self._client.register_script(_TAKE)
        self._give_back = self._client.register_script(_GIVE_BACK)
        self._record = self._client.register_script(_RECORD)
        self._recent = self._client.register_script(_RECENT)
        self._member = uuid.uuid4().hex[:12]  # failure members must differ across nodes
        self._nonce = itertools.count(1)  # and within one node (two threads in the same microsecond)

    @property
    def failures(self) -> int:
        """Calls that fell back to local counting since start (admin view, tests)."""
        return self._failures

    def take(self, key: str, rate: float, burst: int) -> float | None:
        """Spend a token of the bucket: 0.0 when granted, else the seconds to wait."""
        answer = self._call(lambda: self._take(keys=[self.prefix + key], args=[rate, burst]))
        return None if answer is None else float(answer)

    def give_back(self, key: str, burst: int) -> bool | None:
        return self._call(lambda: bool(self._give_back(keys=[self.prefix + key], args=[burst])))

    def record_failure(self, keys: Iterable[str], window: float) -> bool | None:
        names = [self.prefix + key for key in keys]
        if not names:
            return True
        member = f'{self._member}.{next(self._nonce)}'
        return self._call(lambda: bool(self._record(keys=names, args=[window, member])))

    def recent(self, key: str, window: float, keep: int) -> tuple[float, int, list[float]] | None:
        """(Redis' now, failures inside the window, the newest `keep` failure times, oldest first)."""
        answer = self._call(lambda: self._recent(keys=[self.prefix + key], args=[window, max(1, keep)]))
        if answer is None:
            return None
        now, count, *newest = answer
        return float(now), int(count), [float(moment) for moment in newest]

    def clear(self, key: str) -> bool | None:
        return self._call(lambda: bool(self._client.delete(self.prefix + key) >= 0))

    def close(self) -> None:
        self._client.close()

    def _call(self, operation: Callable[[], T]) -> T | None:
        now = self._clock()
        if now < self._down_until:
            return None
        try:
            result = operation()
        except (redis.RedisError, OSError) as error:
            self._failures += 1
            if self._down_until == 0.0:
                log.warning('shared limits: Redis failed (%s); counting on this node for now', error)
            self._down_until = now + RETRY_AFTER_SECONDS
            return None
        if self._down_until:
            log.warning('shared limits: Redis answers again; limits are shared across nodes')
            self._down_until = 0.0
        return result
