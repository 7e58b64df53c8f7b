"""Password hashing (argon2id via passlib), password policy, random tokens and email normalisation."""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import lru_cache

from passlib.context import CryptContext
from passlib.exc import UnknownHashError

from db.models import UNUSABLE_PASSWORD as UNUSABLE_PASSWORD  # defined beside the User table; used here too
from settings import get_settings
from state.errors import InvalidInput

PASSWORD_MIN_CHARS = 8
PASSWORD_MAX_CHARS = 128  # argon2 has no length limit; the cap only bounds the work one request can cause
EMAIL_MAX_CHARS = 254
EMAIL_LOCAL_MAX_CHARS = 64


# Deliberately plain: one @, a non-empty local part without spaces, and a dotted domain of letters, digits and
# hyphens. Full RFC 5322 syntax (quoted local parts, IP literals) is rejected on purpose.
_EMAIL_RE = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


@lru_cache(maxsize=4)
def _context(memory_kib: int, time_cost: int) -> CryptContext:
    return CryptContext(
        schemes=['argon2'],
        argon2__type='ID',
        argon2__memory_cost=memory_kib,
        argon2__time_cost=time_cost,
        argon2__parallelism=1,
    )


def password_context() -> CryptContext:
    """The hashing policy from the current settings (tests change them between cases)."""
    settings = get_settings()
    return _context(settings.argon2_memory_kib, settings.argon2_time_cost)


def check_password_policy(password: str) -> None:
    if len(password) < PASSWORD_MIN_CHARS:
        raise InvalidInput(f'The password must be at least {PASSWORD_MIN_CHARS} characters long.')
    if len(password) > PASSWORD_MAX_CHARS:
        raise InvalidInput(f'The password must be at most {PASSWORD_MAX_CHARS} characters long.')
    if not password.strip():
        raise InvalidInput('The password cannot be only spaces.')


def hash_password(password: str) -> str:
    return password_context().hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Check a password; the second value is a new hash when the stored one uses outdated parameters."""
    if len(password) > PASSWORD_MAX_CHARS:
        return False, None
    try:
        ok, new_hash = password_context().verify_and_update(password, password_hash)
    except (UnknownHashError, ValueError):
        return False, None  # unusable or corrupt hash: never a match
    return bool(ok), new_hash if ok else None


@lru_cache(maxsize=4)
def _dummy_hash(memory_kib: int, time_cost: int) -> str:
    return _context(memory_kib, time_cost).hash(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    """Spend the same time as a real verification, so an unknown email is not revealed by a fast answer."""
    settings = get_settings()
    verify_password(password[:PASSWORD_MAX_CHARS], _dummy_hash(settings.argon2_memory_kib, settings.argon2_time_cost))


def new_token() -> str:
    """A random secret for links and cookies (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are stored only as this hash; a database leak does not reveal usable tokens."""
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


def normalize_email(email: str) -> str:
    """Trim and lower-case; raise InvalidInput unless it looks like a deliverable address."""
    value = email.strip().lower()
    if not value:
        raise InvalidInput('Please enter an email address.')
    local, _, _domain = value.partition('@')
    if len(value) > EMAIL_MAX_CHARS or len(local) > EMAIL_LOCAL_MAX_CHARS or not _EMAIL_RE.fullmatch(value):
        raise InvalidInput('Please enter a valid email address, like name@example.com.')
    if '..' in value or local.startswith('.') or local.endswith('.'):
        raise InvalidInput('Please enter a valid email address, like name@example.com.')
    return value
