"""Helpers for simulated-user page tests: fill the auth forms and read the session cookie."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

from itsdangerous import TimestampSigner
from nicegui import background_tasks
from nicegui.testing import User
from sqlmodel import select

from db.engine import read_session
from db.models import User as Account
from seams.nicegui_internals import open_user_storage
from settings import get_settings
from state.actions.accounts import start_session
from state.web_session import COOKIE_TOKEN_KEY, STORAGE_SESSION_KEY

# Page chains like submit -> /auth/complete -> / -> /new-workspace take a few event-loop rounds plus ~25 ms of
# argon2 per hash; should_see retries every 0.1 s, so allow a few seconds.
RETRIES = 150  # generous: a busy CI machine can take seconds for a page chain


async def sign_up_via_page(user: User, email: str, name: str, password: str, path: str = '/signup') -> None:
    await user.open(path)
    user.find('signup-email').type(email)
    user.find('signup-name').type(name)
    user.find('signup-password').type(password)
    user.find('signup-submit').click()


async def log_in_via_page(user: User, email: str, password: str, path: str = '/login') -> None:
    await user.open(path)
    user.find('login-email').type(email)
    user.find('login-password').type(password)
    user.find('login-submit').click()


def browser_cookie(user: User) -> dict[str, Any]:
    """What the signed session cookie holds (Starlette's SessionMiddleware: signed base64 JSON)."""
    cookie = user.http_client.cookies.get('session')
    if cookie is None:
        return {}
    signed = TimestampSigner(get_settings().resolved_storage_secret()).unsign(cookie.encode())
    data = json.loads(base64.b64decode(signed))
    return data if isinstance(data, dict) else {}


def set_browser_cookie(user: User, data: dict[str, Any]) -> None:
    """Give the simulated browser a session cookie holding `data`, signed as the server signs it."""
    value = TimestampSigner(get_settings().resolved_storage_secret()).sign(base64.b64encode(json.dumps(data).encode()))
    jar = user.http_client.cookies.jar
    old = next((cookie for cookie in jar if cookie.name == 'session'), None)
    domain, path = (old.domain, old.path) if old is not None else ('', '/')
    if old is not None:
        jar.clear(old.domain, old.path, old.name)
    user.http_client.cookies.set('session', value.decode(), domain=domain, path=path)


def browser_session_id(user: User) -> str | None:
    """The id inside the signed session cookie (the key NiceGUI uses for app.storage.user)."""
    value = browser_cookie(user).get('id')
    return value if isinstance(value, str) else None


def current_path(user: User) -> str:
    """Path (and query) of the page the user is on now, after any HTTP redirects."""
    assert user.client is not None, 'no page open yet'
    url = user.client.request.url
    return url.path + (f'?{url.query}' if url.query else '')


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until `condition()` holds (page chains finish in background tasks), failing after `timeout` s."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f'condition still false after {timeout} s')
        await asyncio.sleep(0.05)


async def handlers_done(timeout: float = 5.0) -> None:
    """Wait until the async event handlers a simulated user triggered have finished.

    NiceGUI runs an async handler as a background task named after the handler (`str(handler)`): a bound
    method of one of our components or a closure. The components' send, edit and read handlers are async
    because their actions run off the event loop.
    """
    await asyncio.sleep(0)  # let just-triggered handlers start

    def idle() -> bool:
        names = (task.get_name() for task in background_tasks.running_tasks)
        return not any(' of <components.' in name or '.<locals>.' in name for name in names)

    await eventually(idle, timeout)


async def open_logged_in(user: User, email: str, path: str) -> None:
    """Open `path` as an already logged-in user, without the log-in form (for tests of other pages).

    A simulated browser gets its cookie session id from a first page; then its cookie gets a fresh session token
    and its server-side user storage the session id, exactly what the real log-in leaves behind
    (tests/test_auth_pages.py covers that form).
    """
    await user.open('/login')
    browser_id = browser_session_id(user)
    assert browser_id is not None
    with read_session() as session:
        account = session.exec(select(Account).where(Account.email == email)).one()
    token, row = start_session(account.id or 0)
    set_browser_cookie(user, {**browser_cookie(user), COOKIE_TOKEN_KEY: token})
    (await open_user_storage(browser_id))[STORAGE_SESSION_KEY] = row.id
    await user.open(path)
