"""Accounts and login sessions: sign up, authenticate (throttled), start and end sessions.

Password hashing takes ~25 ms (argon2id); the UI calls `sign_up` and `authenticate` through `run.io_bound` so
the event loop stays free. Sessions are rows in `user_sessions`; the browser only ever holds the raw token,
the database only its sha256.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from db.engine import read_session
from db.models import BOT_EMAIL_DOMAIN, UNUSABLE_PASSWORD, User, UserSession, utcnow
from state.actions.guards import require_id
from state.bus import user_topic
from state.errors import Conflict, Forbidden, InvalidInput, NotFound
from state.events import SessionEnded
from state.security import (
    PASSWORD_MAX_CHARS,
    burn_password_check,
    check_password_policy,
    hash_password,
    new_token,
    normalize_email,
    token_hash,
    verify_password,
)
from state.throttle import ip_key, login_throttle, pair_key, signup_throttle, taken_email_throttle
from state.unit_of_work import unit_of_work

DISPLAY_NAME_MAX_CHARS = 80
# Matches the session cookie's lifetime (Starlette's default max_age of 14 days): a stolen token ages out.
SESSION_MAX_AGE = timedelta(days=14)

LOGIN_FAILED = 'Wrong email or password.'
ACCOUNT_DEACTIVATED = 'This account has been deactivated. Ask a workspace admin to reactivate it.'
EMAIL_TAKEN = 'An account with this email already exists. Log in instead.'
UNCLAIMED = (
    'An account with this email was imported and has not been claimed yet. '
    'Ask a workspace admin to send an invitation to this address, then follow its link.'
)


def clean_display_name(name: str) -> str:
    value = ' '.join(name.split())  # collapse runs of whitespace and newlines
    if not value:
        raise InvalidInput('Please enter your name.')
    if len(value) > DISPLAY_NAME_MAX_CHARS:
        raise InvalidInput(f'The name must be at most {DISPLAY_NAME_MAX_CHARS} characters long.')
    if any(unicodedata.category(ch) in {'Cc', 'Cf'} for ch in value):
        raise InvalidInput('The name contains invisible control characters.')
    return value


def sign_up(email: str, display_name: str, password: str, ip: str | None = None) -> User:
    """Create an account. Raises InvalidInput for bad fields and Conflict for an email that is taken.

    With the client's `ip` (the sign-up page), RateLimited once that address created too many accounts lately,
    or was told too often that an email is taken (so the page cannot be used to test a list of addresses).
    """
    keys = [ip_key(ip)] if ip is not None else []
    signup_throttle.check(keys)
    taken_email_throttle.check(keys)
    normalized = normalize_email(email)
    name = clean_display_name(display_name)
    check_password_policy(password)
    taken = _taken_message(normalized)
    if taken is not None:  # cheap check first, so a duplicate costs no hashing
        taken_email_throttle.record_failure(keys)
        raise Conflict(taken)
    password_hash = hash_password(password)
    try:
        with unit_of_work() as uow:
            session = uow.session
            user = User(email=normalized, display_name=name, password_hash=password_hash)
            session.add(user)
            session.flush()
    except IntegrityError as exc:  # two sign-ups with one email at the same moment
        taken_email_throttle.record_failure(keys)
        raise Conflict(EMAIL_TAKEN) from exc
    signup_throttle.record_failure(keys)  # counts created accounts, not failures
    return user


def authenticate(email: str, password: str, ip: str) -> User:
    """Check credentials, throttled per account-and-address pair and per address (see state/throttle.py).

    Unknown email and wrong password give the same message and take the same time (a dummy hash is verified).
    Raises RateLimited while the pair waits out its delay or the address is over its budget; InvalidInput on
    bad credentials.
    """
    try:
        normalized = normalize_email(email)
    except InvalidInput:
        normalized = email.strip().lower()[:254]  # still throttled and timed like any other miss
    keys = (pair_key(normalized, ip), ip_key(ip))
    login_throttle.check(keys)
    with read_session() as session:
        user = session.exec(select(User).where(User.email == normalized)).first()
    if user is None or len(password) > PASSWORD_MAX_CHARS:
        burn_password_check(password)
        login_throttle.record_failure(keys)
        raise InvalidInput(LOGIN_FAILED, code='invalid_auth')
    ok, new_hash = verify_password(password, user.password_hash)
    if not ok:
        login_throttle.record_failure(keys)
        raise InvalidInput(LOGIN_FAILED, code='invalid_auth')
    if not user.is_active:  # said only to whoever knows the password, so it reveals nothing to a guesser
        raise Forbidden(ACCOUNT_DEACTIVATED, code='account_inactive')
    login_throttle.clear(pair_key(normalized, ip))
    if new_hash is not None:  # the cost settings changed since this hash was made
        with unit_of_work() as uow:
            session = uow.session
            stored = session.get(User, user.id)
            if stored is not None:
                stored.password_hash = new_hash
                user = stored
    return user


def start_session(user_id: int) -> tuple[str, UserSession]:
    """Open a login session; returns the raw token (shown to the browser once) and the stored row."""
    token = new_token()
    with unit_of_work() as uow:
        session = uow.session
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            raise NotFound('This account does not exist.')
        row = UserSession(token_hash=token_hash(token), user_id=user_id)
        session.add(row)
        session.flush()
    return token, row


def end_session(token: str) -> None:
    """Revoke the session (log out). Its open pages leave through `SessionEnded`. Unknown tokens are ignored."""
    with unit_of_work() as uow:
        session = uow.session
        row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()
        if row is None or row.revoked_at is not None:
            return
        row.revoked_at = utcnow()
        uow.publish(user_topic(row.user_id), SessionEnded(user_id=row.user_id, session_id=require_id(row.id)))


def end_expired_sessions(limit: int = 500) -> int:
    """Revoke sessions past their age (the app timer, every minute), so their open tabs end like a log-out.

    `session_for_token` already refuses them at the next page build; this makes open tabs follow at once.
    Returns how many ended (at most `limit` per run; the next run takes the rest).
    """
    with unit_of_work() as uow:
        session = uow.session
        rows = session.exec(
            select(UserSession)
            .where(col(UserSession.revoked_at).is_(None), UserSession.created_at < utcnow() - SESSION_MAX_AGE)
            .limit(limit)
        ).all()
        now = utcnow()
        for row in rows:
            row.revoked_at = now
            uow.publish(user_topic(row.user_id), SessionEnded(user_id=row.user_id, session_id=require_id(row.id)))
    return len(rows)


def session_for_token(token: str) -> tuple[User, UserSession] | None:
    """The active user and session behind a raw token, or None (unknown, revoked, expired, deactivated)."""
    if not token:
        return None
    with read_session() as session:
        found = session.exec(
            select(User, UserSession)
            .join(UserSession, UserSession.user_id == User.id)  # type: ignore[arg-type]
            .where(UserSession.token_hash == token_hash(token))
        ).first()
    if found is None:
        return None
    user, row = found
    if row.revoked_at is not None or not user.is_active or row.created_at < utcnow() - SESSION_MAX_AGE:
        return None
    return user, row


def user_for_session_token(token: str) -> User | None:
    found = session_for_token(token)
    return found[0] if found else None


def awaits_claim(user: User) -> bool:
    """An imported person who has no password yet: only an invitation bound to their address may claim it."""
    return (
        user.password_hash == UNUSABLE_PASSWORD and user.is_active and not user.email.endswith('@' + BOT_EMAIL_DOMAIN)
    )


def _taken_message(email: str) -> str | None:
    with read_session() as session:
        user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        return None
    return UNCLAIMED if awaits_claim(user) else EMAIL_TAKEN
