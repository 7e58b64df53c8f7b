"""Sign-up, authentication (throttled, no oracle) and login sessions."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import User, UserSession
from settings import get_settings
from state.actions.accounts import (
    LOGIN_FAILED,
    authenticate,
    end_session,
    session_for_token,
    sign_up,
    start_session,
    user_for_session_token,
)
from state.bus import bus, user_topic
from state.errors import Conflict, Forbidden, InvalidInput, RateLimited
from state.events import Event, SessionEnded
from state.security import token_hash
from state.throttle import SIGNUPS_PER_IP_WINDOW, TAKEN_ANSWERS_PER_IP_WINDOW

pytestmark = pytest.mark.usefixtures('db')


def users() -> list[User]:
    with read_session() as session:
        return list(session.exec(select(User)).all())


def test_sign_up_stores_a_normalised_email_and_an_argon2id_hash() -> None:
    user = sign_up('  Ada@Example.com ', '  Ada   Lovelace ', 'analytical engine')
    assert user.id is not None
    assert user.email == 'ada@example.com'
    assert user.display_name == 'Ada Lovelace'
    assert user.password_hash.startswith('$argon2id$')
    assert 'analytical engine' not in user.password_hash


def test_duplicate_email_is_refused_whatever_its_case() -> None:
    sign_up('ada@example.com', 'Ada', 'analytical engine')
    with pytest.raises(Conflict, match='already exists'):
        sign_up('ADA@example.com ', 'Other Ada', 'another password')
    assert len(users()) == 1


@pytest.mark.parametrize(
    ('email', 'name', 'password', 'message'),
    [
        ('not-an-email', 'Ada', 'long enough', 'valid email'),
        ('ada@example.com', '   ', 'long enough', 'enter your name'),
        ('ada@example.com', 'A' * 81, 'long enough', 'at most 80'),
        ('ada@example.com', 'Ada\u202e', 'long enough', 'control characters'),
        ('ada@example.com', 'Ada', 'short', 'at least 8'),
        ('ada@example.com', 'Ada', 'p' * 129, 'at most 128'),
        ('ada@example.com', 'Ada', '          ', 'only spaces'),
    ],
)
def test_bad_sign_up_input_changes_nothing(email: str, name: str, password: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        sign_up(email, name, password)
    assert users() == []


def test_authenticate_accepts_any_case_of_the_email() -> None:
    created = sign_up('ada@example.com', 'Ada', 'analytical engine')
    assert authenticate('ADA@example.com', 'analytical engine', '10.0.0.1').id == created.id


def test_unknown_email_and_wrong_password_look_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    sign_up('ada@example.com', 'Ada', 'analytical engine')
    burned: list[str] = []
    import state.actions.accounts as accounts

    real_burn = accounts.burn_password_check

    def recording_burn(password: str) -> None:
        burned.append(password)
        real_burn(password)

    monkeypatch.setattr(accounts, 'burn_password_check', recording_burn)
    with pytest.raises(InvalidInput) as wrong:
        authenticate('ada@example.com', 'wrong password', '10.0.0.1')
    with pytest.raises(InvalidInput) as unknown:
        authenticate('nobody@example.com', 'wrong password', '10.0.0.2')
    with pytest.raises(InvalidInput) as malformed:
        authenticate('not an email', 'wrong password', '10.0.0.3')
    assert wrong.value.message == unknown.value.message == malformed.value.message == LOGIN_FAILED
    assert wrong.value.code == unknown.value.code == 'invalid_auth'
    assert burned == ['wrong password', 'wrong password']  # unknown emails still pay for a hash


def test_failures_elsewhere_never_lock_the_owner_out() -> None:
    sign_up('ada@example.com', 'Ada', 'analytical engine')
    for n in range(5):
        for _ in range(6):  # five addresses, each past its free failures on this account
            with contextlib.suppress(InvalidInput, RateLimited):
                authenticate('ada@example.com', 'wrong password', f'10.0.0.{n}')
    assert authenticate('ada@example.com', 'analytical engine', '10.9.9.9').email == 'ada@example.com'


def test_one_address_guessing_one_account_is_slowed_even_with_the_right_password() -> None:
    sign_up('ada@example.com', 'Ada', 'analytical engine')
    for _ in range(5):
        with pytest.raises(InvalidInput):
            authenticate('ada@example.com', 'wrong password', '10.0.0.1')
    with pytest.raises(RateLimited, match='Too many attempts, try again in 1 second'):
        authenticate('ada@example.com', 'analytical engine', '10.0.0.1')


def test_login_is_throttled_per_ip_across_accounts() -> None:
    sign_up('ada@example.com', 'Ada', 'analytical engine')
    for n in range(get_settings().login_attempts_per_ip_window):
        with pytest.raises(InvalidInput):
            authenticate(f'guess{n}@example.com', 'whatever it is', '10.6.6.6')
    with pytest.raises(RateLimited):
        authenticate('ada@example.com', 'analytical engine', '10.6.6.6')
    assert authenticate('ada@example.com', 'analytical engine', '10.0.0.1').email == 'ada@example.com'


def test_sign_ups_from_one_address_are_limited_and_refusals_create_nothing() -> None:
    for n in range(SIGNUPS_PER_IP_WINDOW):
        sign_up(f'user{n}@example.com', f'User {n}', 'a long enough password', '10.6.6.6')
    with pytest.raises(RateLimited):
        sign_up('one-more@example.com', 'One More', 'a long enough password', '10.6.6.6')
    assert 'one-more@example.com' not in {u.email for u in users()}
    sign_up('elsewhere@example.com', 'Elsewhere', 'a long enough password', '10.0.0.1')  # another address
    sign_up('by-cli@example.com', 'By CLI', 'a long enough password')  # no address: the CLI and the seed
    assert len(users()) == SIGNUPS_PER_IP_WINDOW + 2


def test_sign_up_confirms_taken_emails_to_one_address_only_a_few_times() -> None:
    for n in range(TAKEN_ANSWERS_PER_IP_WINDOW):
        sign_up(f'member{n}@example.com', 'Member', 'a long enough password')
        with pytest.raises(Conflict):
            sign_up(f'member{n}@example.com', 'Prober', 'a long enough password', '10.6.6.6')
    for probe in ('member0@example.com', 'nobody@example.com'):  # taken or not, the answer is the same
        with pytest.raises(RateLimited):
            sign_up(probe, 'Prober', 'a long enough password', '10.6.6.6')
    assert 'nobody@example.com' not in {u.email for u in users()}
    sign_up('fresh@example.com', 'Fresh', 'a long enough password', '10.0.0.1')  # other addresses are not held up


def test_success_clears_the_account_failures() -> None:
    sign_up('ada@example.com', 'Ada', 'analytical engine')
    for n in range(4):
        with pytest.raises(InvalidInput):
            authenticate('ada@example.com', 'wrong password', f'10.0.0.{n}')
    authenticate('ada@example.com', 'analytical engine', '10.0.1.1')
    for n in range(4):  # the budget is full again
        with pytest.raises(InvalidInput):
            authenticate('ada@example.com', 'wrong password', f'10.0.2.{n}')


def test_outdated_hash_is_upgraded_on_login(monkeypatch: pytest.MonkeyPatch) -> None:
    from settings import reset_settings_cache

    sign_up('ada@example.com', 'Ada', 'analytical engine')
    monkeypatch.setenv('CHAT_ARGON2_TIME_COST', '3')
    reset_settings_cache()
    authenticate('ada@example.com', 'analytical engine', '10.0.0.1')
    assert ',t=3,' in users()[0].password_hash


def test_session_token_is_stored_hashed_and_resolves_to_the_user() -> None:
    user = sign_up('ada@example.com', 'Ada', 'analytical engine')
    assert user.id is not None
    token, row = start_session(user.id)
    assert row.token_hash == token_hash(token) and row.token_hash != token
    found = session_for_token(token)
    assert found is not None and found[0].id == user.id and found[1].id == row.id
    assert user_for_session_token('forged-token') is None
    assert user_for_session_token('') is None


def test_each_login_gets_its_own_session() -> None:
    user = sign_up('ada@example.com', 'Ada', 'analytical engine')
    assert user.id is not None
    first, _ = start_session(user.id)
    second, _ = start_session(user.id)
    assert first != second
    end_session(first)
    assert user_for_session_token(first) is None
    assert user_for_session_token(second) is not None


@pytest.fixture
async def started_bus() -> AsyncIterator[None]:
    """The in-process bus delivers only once started (as the server does at start-up)."""
    await bus.start()
    yield
    await bus.stop()


@pytest.mark.usefixtures('started_bus')
async def test_end_session_revokes_and_publishes_after_commit() -> None:
    user = sign_up('ada@example.com', 'Ada', 'analytical engine')
    assert user.id is not None
    token, row = start_session(user.id)
    seen: list[tuple[Event, bool]] = []

    def on_event(event: Event) -> None:
        seen.append((event, user_for_session_token(token) is None))  # already revoked when we hear of it

    bus.subscribe(user_topic(user.id), on_event)
    end_session(token)
    end_session(token)  # idempotent: no second event
    end_session('never-issued')
    assert row.id is not None
    assert seen == [(SessionEnded(user_id=user.id, session_id=row.id), True)]
    with read_session() as session:
        stored = session.get(UserSession, row.id)
    assert stored is not None and stored.revoked_at is not None


def test_deactivated_user_loses_sessions_and_cannot_log_in() -> None:
    from db.engine import session_scope

    user = sign_up('ada@example.com', 'Ada', 'analytical engine')
    assert user.id is not None
    token, _ = start_session(user.id)
    with session_scope() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.is_active = False
    assert user_for_session_token(token) is None
    with pytest.raises(Forbidden, match='deactivated') as refused:  # the right password learns why
        authenticate('ada@example.com', 'analytical engine', '10.0.0.1')
    assert refused.value.code == 'account_inactive'
    with pytest.raises(InvalidInput, match='Wrong email or password'):  # a wrong one learns nothing
        authenticate('ada@example.com', 'wrong password', '10.0.0.1')
