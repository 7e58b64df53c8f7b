"""Who is behind this browser: the login session its cookie and its server-side storage name, checked against
the database.

Three places hold a piece, and no one of them is enough:

- the browser's signed, HttpOnly session cookie holds the raw session token (`COOKIE_TOKEN_KEY`);
- the browser's NiceGUI user storage (`app.storage.user`, a file under the storage path) holds only the
  session's row id (`STORAGE_SESSION_KEY`): not a credential, so a copy of the storage files logs no one in;
- the database holds only the token's hash (`user_sessions.token_hash`).

A page is logged in when the cookie's token hashes to an active session and that session is the one the
browser's storage names. Log-out and session end remove the browser's storage (`forget_browser`,
`forget_ended_browsers`), file and memory.

Pages, components and the file routes all resolve the user through here. DESIGN rule 8: call `current_user`
while a page is built or a request is handled, never inside callbacks, because inside a callback that another
user's action triggers `app.storage.user` belongs to that other user.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nicegui import app
from sqlmodel import col, select
from starlette.requests import Request

from db.engine import read_session
from db.models import UserSession, utcnow
from seams.nicegui_internals import (
    open_user_storage,
    remove_user_storage,
    user_storage,
    user_storage_file,
    user_storage_ids,
)
from state.actions.accounts import SESSION_MAX_AGE, end_session, session_for_token

log = logging.getLogger(__name__)

COOKIE_TOKEN_KEY = 'session_token'  # in the signed session cookie (request.session)
STORAGE_SESSION_KEY = 'session_id'  # in app.storage.user: the row id, never the token
LEGACY_STORAGE_TOKEN_KEY = 'session_token'  # where app.storage.user held the raw token before (ended at start)


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    display_name: str
    session_id: int


def browser_id() -> str | None:
    """The id in this request's session cookie, the key of its `app.storage.user`."""
    value = app.storage.browser.get('id')
    return value if isinstance(value, str) else None


def session_token() -> str | None:
    """The raw session token of this request's browser (from its cookie), or None."""
    token = app.storage.browser.get(COOKIE_TOKEN_KEY)
    return token if isinstance(token, str) and token else None


def current_user() -> CurrentUser | None:
    """The logged-in user of this page's browser, checked against the database (revoked or expired: None)."""
    token = session_token()
    if token is None:
        return None
    found = session_for_token(token)
    if found is None:
        return None
    user, session = found
    if user.id is None or session.id is None or app.storage.user.get(STORAGE_SESSION_KEY) != session.id:
        return None
    return CurrentUser(id=user.id, email=user.email, display_name=user.display_name, session_id=session.id)


async def remember_session(request: Request, browser: str, token: str, session_id: int) -> None:
    """After a log-in (an HTTP request, which may still set cookies): the cookie gets the browser id (a fresh
    one: no session fixation) and the token, that browser's storage the session id."""
    request.session['id'] = browser
    request.session[COOKIE_TOKEN_KEY] = token
    storage = await open_user_storage(browser)
    storage[STORAGE_SESSION_KEY] = session_id


def previous_login(request: Request) -> tuple[str | None, str | None]:
    """The browser id and token this request came with (whoever used the browser before a log-in)."""
    old_id, token = request.session.get('id'), request.session.get(COOKIE_TOKEN_KEY)
    return (old_id if isinstance(old_id, str) else None, token if isinstance(token, str) else None)


def forget_browser(browser: str | None) -> None:
    """Remove what the server keeps for this browser (its NiceGUI user storage, file and memory)."""
    if browser:
        remove_user_storage(browser)
        _session_of_file.pop(browser, None)


# ---- removing the storage of browsers whose session ended ------------------------------------------------

_session_of_file: dict[str, int | None] = {}  # browser id -> its session id (fixed: a log-in makes a new id)


def forget_ended_browsers() -> int:
    """Remove the user storage of every browser whose session ended (revoked, expired, or gone); a storage left
    by an older version that holds a raw token ends that session first. Returns how many were removed.

    Runs on the event loop (it touches NiceGUI's storage objects): every minute after the expiry job, and once
    at start. A browser's session id never changes (each log-in makes a new browser id), so each file is
    read once per process.
    """
    sessions: dict[str, int] = {}
    for browser in user_storage_ids():
        session_id, legacy_token = _storage_session(browser)
        if legacy_token is not None:
            end_session(legacy_token)  # the raw token must not stay on disk; its browser logs in again
            forget_browser(browser)
        elif session_id is not None:
            sessions[browser] = session_id
    active = _active_session_ids(set(sessions.values()))
    ended = [browser for browser, session_id in sessions.items() if session_id not in active]
    for browser in ended:
        forget_browser(browser)
    return len(ended)


def _storage_session(browser: str) -> tuple[int | None, str | None]:
    """(session id, legacy raw token) recorded in this browser's storage."""
    loaded = user_storage(browser)
    data: Any
    if loaded is not None:
        data = loaded
    elif browser in _session_of_file:
        return _session_of_file[browser], None
    else:
        data = _read_storage_file(browser)
    legacy = data.get(LEGACY_STORAGE_TOKEN_KEY) if isinstance(data, dict) else None
    if isinstance(legacy, str):
        return None, legacy
    value = data.get(STORAGE_SESSION_KEY) if isinstance(data, dict) else None
    session_id = value if isinstance(value, int) and not isinstance(value, bool) else None
    if loaded is None:
        _session_of_file[browser] = session_id
    return session_id, None


def _read_storage_file(browser: str) -> Any:
    try:
        return json.loads(user_storage_file(browser).read_text(encoding='utf-8'))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning('unreadable user storage of browser %s', browser[:8])
        return {}


def _active_session_ids(ids: Iterable[int]) -> set[int]:
    wanted = sorted(ids)
    active: set[int] = set()
    with read_session() as session:
        for start in range(0, len(wanted), 500):
            rows = session.exec(
                select(UserSession.id).where(
                    col(UserSession.id).in_(wanted[start : start + 500]),
                    col(UserSession.revoked_at).is_(None),
                    UserSession.created_at >= utcnow() - SESSION_MAX_AGE,
                )
            ).all()
            active.update(row for row in rows if row is not None)
    return active
