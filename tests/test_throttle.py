"""Failed-login throttle with a fake clock."""

from __future__ import annotations

import pytest

from state.errors import RateLimited
from state.throttle import LoginThrottle, ip_key, pair_key


def account_key(email: str) -> str:
    """A plain key: the sliding window that addresses and sign-ups use, with the account-sized budget."""
    return f'account:{email}'


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make() -> tuple[LoginThrottle, FakeClock]:
    clock = FakeClock()
    return LoginThrottle(limit=5, window_seconds=900, clock=clock), clock


def test_fifth_failure_blocks_the_next_attempt_with_minutes_to_wait() -> None:
    throttle, clock = make()
    keys = [account_key('a@example.com'), ip_key('10.0.0.1')]
    for _ in range(4):
        throttle.check(keys)
        throttle.record_failure(keys)
        clock.now += 10
    throttle.check(keys)  # four failures: still allowed
    throttle.record_failure(keys)
    with pytest.raises(RateLimited, match=r'Too many attempts, try again in 15 minutes\.') as info:
        throttle.check(keys)
    assert info.value.retry_after == pytest.approx(900 - 40)


def test_window_slides_one_failure_at_a_time() -> None:
    throttle, clock = make()
    key = [account_key('a@example.com')]
    for _ in range(5):
        throttle.record_failure(key)
        clock.now += 60
    clock.now = 1000 + 899  # the first failure is 1 s from leaving the window
    with pytest.raises(RateLimited, match='in 1 second\\.'):
        throttle.check(key)
    clock.now = 1000 + 900  # it left: four remain, one more attempt is allowed
    throttle.check(key)
    throttle.record_failure(key)
    with pytest.raises(RateLimited):
        throttle.check(key)


def test_account_and_ip_are_counted_separately() -> None:
    throttle, _clock = make()
    for n in range(5):  # one IP guessing five different accounts
        throttle.record_failure([account_key(f'user{n}@example.com'), ip_key('10.0.0.9')])
    with pytest.raises(RateLimited):
        throttle.check([account_key('fresh@example.com'), ip_key('10.0.0.9')])
    throttle.check([account_key('fresh@example.com'), ip_key('10.0.0.10')])  # same account from elsewhere: fine
    for n in range(5):  # one account guessed from five IPs
        throttle.record_failure([account_key('target@example.com'), ip_key(f'10.1.0.{n}')])
    with pytest.raises(RateLimited):
        throttle.check([account_key('target@example.com'), ip_key('10.2.0.1')])


def test_clear_forgets_a_key_and_reset_forgets_all() -> None:
    throttle, _clock = make()
    account, ip = account_key('a@example.com'), ip_key('10.0.0.1')
    for _ in range(5):
        throttle.record_failure([account, ip])
    throttle.clear(account)
    throttle.check([account])
    with pytest.raises(RateLimited):
        throttle.check([ip])
    throttle.reset()
    throttle.check([account, ip])


def test_limits_default_to_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from settings import reset_settings_cache

    monkeypatch.setenv('CHAT_LOGIN_ATTEMPTS_PER_WINDOW', '2')
    monkeypatch.setenv('CHAT_LOGIN_WINDOW_SECONDS', '60')
    reset_settings_cache()
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock)
    throttle.record_failure(['k'])
    throttle.record_failure(['k'])
    with pytest.raises(RateLimited, match='in 1 minute'):
        throttle.check(['k'])
    clock.now += 61
    throttle.check(['k'])


def test_an_address_gets_a_larger_budget_than_an_account() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(limit=5, window_seconds=900, clock=clock, ip_limit=30)
    office = [ip_key('10.0.0.1')]
    for _ in range(29):
        throttle.record_failure(office)
    throttle.check(office)  # many people behind one address are not locked out by five typos
    throttle.record_failure(office)
    with pytest.raises(RateLimited):
        throttle.check(office)
    account = [account_key('a@example.com')]
    for _ in range(5):
        throttle.record_failure(account)
    with pytest.raises(RateLimited):
        throttle.check(account)


def test_a_pair_waits_growing_delays_instead_of_the_whole_window() -> None:
    throttle, clock = make()
    guesser = [pair_key('a@example.com', '10.0.0.1')]
    for _ in range(5):  # the first five failures cost nothing
        throttle.check(guesser)
        throttle.record_failure(guesser)
    waits = []
    for _ in range(4):
        with pytest.raises(RateLimited) as info:
            throttle.check(guesser)
        waits.append(info.value.retry_after)
        clock.now += info.value.retry_after
        throttle.check(guesser)  # allowed again once the delay has passed
        throttle.record_failure(guesser)
    assert waits == pytest.approx([1, 2, 4, 8])
    for _ in range(20):
        throttle.record_failure(guesser)
    with pytest.raises(RateLimited, match='in 15 minutes') as info:
        throttle.check(guesser)
    assert info.value.retry_after == pytest.approx(900)  # capped at the window
    throttle.check([pair_key('a@example.com', '10.0.0.2')])  # the owner elsewhere is not locked out


def test_a_short_wait_is_said_in_seconds() -> None:
    throttle, _clock = make()
    key = [pair_key('a@example.com', '10.0.0.1')]
    for _ in range(6):
        throttle.record_failure(key)
    with pytest.raises(RateLimited, match=r'try again in 2 seconds\.'):
        throttle.check(key)
