"""Rate limits and log-in throttles shared by several nodes through a real Redis, and the local fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from state.errors import RateLimited
from state.rate_limit import Limit, RateLimiter
from state.shared_limits import PREFIX, RETRY_AFTER_SECONDS, SharedLimits
from state.throttle import LoginThrottle, ip_key, pair_key
from tests.redis_server import RedisServer

LIMITS = {'message': Limit(rate=0.001, burst=3)}  # refills too slowly to matter within a test


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.close()


def node(url: str, clock: Clock | None = None) -> tuple[RateLimiter, SharedLimits]:
    shared = SharedLimits(url, clock=clock or Clock())
    limiter = RateLimiter(LIMITS)
    limiter.share(shared)
    return limiter, shared


def test_two_nodes_spend_one_bucket(redis_server: RedisServer) -> None:
    one, _ = node(redis_server.url)
    two, _ = node(redis_server.url)
    one.take('message', 7)
    two.take('message', 7)
    one.take('message', 7)
    with pytest.raises(RateLimited) as refused:
        two.take('message', 7)  # a node of its own would still have allowed three
    assert refused.value.retry_after is not None and refused.value.retry_after > 1
    two.take('message', 8)  # another person has a bucket of their own
    one.give_back('message', 7)  # a retried send that stored nothing new
    two.take('message', 7)


def test_without_redis_each_node_counts_alone_and_shares_again_when_it_is_back(redis_server: RedisServer) -> None:
    clock = Clock()
    one, shared = node(redis_server.url, clock)
    two, _ = node(redis_server.url)
    redis_server.stop()
    for _ in range(3):
        one.take('message', 7)  # no error: counted on this node
    with pytest.raises(RateLimited):
        one.take('message', 7)
    assert shared.failures == 1  # the first failure; then no more tries until RETRY_AFTER_SECONDS have passed

    redis_server.start()
    clock.now += RETRY_AFTER_SECONDS
    for _ in range(3):
        one.take('message', 9)
    with pytest.raises(RateLimited):
        two.take('message', 9)  # shared again: node one's takes count on node two


def test_failed_log_ins_on_one_node_count_on_the_other(redis_server: RedisServer) -> None:
    one = LoginThrottle(limit=2, window_seconds=60, ip_limit=10)
    two = LoginThrottle(limit=2, window_seconds=60, ip_limit=10)
    one.share(SharedLimits(redis_server.url))
    two.share(SharedLimits(redis_server.url))
    keys = [pair_key('ada@example.com', '10.0.0.1'), ip_key('10.0.0.1')]
    one.record_failure(keys)
    two.check(keys)  # one failure: still free
    two.record_failure(keys)
    with pytest.raises(RateLimited) as refused:
        one.check(keys)
    assert refused.value.retry_after is not None and 0 < refused.value.retry_after <= 1.0  # the first delay
    other = [pair_key('ada@example.com', '10.0.0.2'), ip_key('10.0.0.2')]
    two.check(other)  # the owner, from elsewhere, is not locked out
    one.clear(keys[0])
    two.check(keys[:1])  # a successful log-in cleared the pair on every node


def test_throttles_with_different_names_keep_their_counts_apart(redis_server: RedisServer) -> None:
    login = LoginThrottle(limit=1, window_seconds=60, name='login')
    signup = LoginThrottle(limit=1, window_seconds=60, name='signup')
    login.share(SharedLimits(redis_server.url))
    signup.share(SharedLimits(redis_server.url))
    login.record_failure([ip_key('10.0.0.3')])
    with pytest.raises(RateLimited):
        login.check([ip_key('10.0.0.3')])
    signup.check([ip_key('10.0.0.3')])


def test_redis_forgets_idle_keys_by_itself(redis_server: RedisServer) -> None:
    """Keys expire (a flood of distinct addresses cannot fill Redis): buckets once full, failures after the window."""
    throttle = LoginThrottle(limit=1, window_seconds=60)
    throttle.share(SharedLimits(redis_server.url))
    throttle.record_failure([ip_key('10.0.0.4')])
    limiter, _ = node(redis_server.url)
    limiter.take('message', 7)
    client = redis.Redis.from_url(redis_server.url)
    try:
        assert 0 < client.pttl(PREFIX + 'login:' + ip_key('10.0.0.4')) <= 60_000
        assert 0 < client.ttl(PREFIX + 'rate:message:7') <= 3 / 0.001 + 1
    finally:
        client.close()
