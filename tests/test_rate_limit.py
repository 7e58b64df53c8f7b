"""Token buckets: bursts pass, a flood is refused with the time to wait, and time refills the bucket."""

from __future__ import annotations

import pytest

from db.models import Reaction
from state.actions.messages import send_message
from state.actions.reactions import toggle_reaction
from state.errors import RateLimited
from state.rate_limit import LIMITS, Limit, RateLimiter, exempt
from tests.factories import build_world, count_rows


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_the_rate_holds() -> None:
    clock = Clock()
    limiter = RateLimiter({'message': Limit(rate=2.0, burst=3)}, clock)
    for _ in range(3):
        limiter.take('message', 1)
    with pytest.raises(RateLimited) as refused:
        limiter.take('message', 1)
    assert refused.value.retry_after == pytest.approx(0.5)
    limiter.take('message', 2)  # other people are not affected
    clock.now += 0.5
    limiter.take('message', 1)  # half a second buys one more at 2 per second
    with pytest.raises(RateLimited):
        limiter.take('message', 1)


def test_a_refusal_spends_nothing() -> None:
    clock = Clock()
    limiter = RateLimiter({'message': Limit(rate=1.0, burst=1)}, clock)
    limiter.take('message', 1)
    for _ in range(5):
        with pytest.raises(RateLimited):
            limiter.take('message', 1)
    clock.now += 1.0
    limiter.take('message', 1)  # hammering while refused did not push the wait further out


@pytest.mark.usefixtures('db')
def test_actions_refuse_a_flood_and_write_nothing_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Time stands still, so a slow database cannot refill the bucket while the test floods it.
    monkeypatch.setattr('state.actions.reactions.limiter', RateLimiter(clock=Clock()))
    world = build_world()
    message = send_message(world.ada, world.general, 'react to me', 'c-1')
    burst = LIMITS['reaction'].burst
    for _ in range(burst):  # an even number of toggles: on, off, on, off, ...
        toggle_reaction(world.bob, message.id, 'tada')
    with pytest.raises(RateLimited):
        toggle_reaction(world.bob, message.id, 'tada')
    assert count_rows(Reaction) == burst % 2


def test_trusted_bulk_work_is_exempt() -> None:
    limiter = RateLimiter({'message': Limit(rate=1.0, burst=1)}, Clock())
    with exempt():
        for _ in range(10):
            limiter.take('message', 1)
    limiter.take('message', 1)  # the exempt calls spent nothing


@pytest.mark.usefixtures('db')
def test_a_retried_send_costs_no_token_even_when_the_bucket_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr('state.actions.messages.limiter', RateLimiter(clock=Clock()))
    world = build_world()
    first = send_message(world.ada, world.general, 'once', 'c-retry')
    for n in range(LIMITS['message'].burst - 1):
        send_message(world.ada, world.general, f'more {n}', f'c-{n}')
    assert send_message(world.ada, world.general, 'once', 'c-retry').id == first.id  # the bucket is empty now
    with pytest.raises(RateLimited):
        send_message(world.ada, world.general, 'new', 'c-new')


@pytest.mark.usefixtures('db')
def test_a_retry_that_hits_the_stored_copy_gives_its_token_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr('state.actions.messages.limiter', RateLimiter(clock=Clock()))
    world = build_world()
    first = send_message(world.ada, world.general, 'once', 'c-retry')
    for _ in range(LIMITS['message'].burst * 2):
        assert send_message(world.ada, world.general, 'once', 'c-retry').id == first.id
    for n in range(LIMITS['message'].burst - 1):  # the retries spent nothing: the rest of the burst is there
        send_message(world.ada, world.general, f'more {n}', f'c-{n}')
    with pytest.raises(RateLimited):
        send_message(world.ada, world.general, 'new', 'c-new')
