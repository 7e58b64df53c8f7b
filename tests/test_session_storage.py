"""What a log-in leaves on the server: no raw token in NiceGUI's user storage, and no storage after the session.

The raw token lives in the browser's signed cookie only; the storage file names the session's row id; the
database keeps the token's hash (state/web_session.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from nicegui.testing import User
from sqlmodel import select

import state.runtime
from db.engine import read_session
from db.models import UserSession, utcnow
from seams.nicegui_internals import open_user_storage, user_storage, user_storage_file
from state.actions.accounts import SESSION_MAX_AGE, sign_up, start_session
from state.web_session import COOKIE_TOKEN_KEY, LEGACY_STORAGE_TOKEN_KEY, STORAGE_SESSION_KEY, forget_ended_browsers
from tests.factories import update_row
from tests.page_helpers import (
    RETRIES,
    browser_cookie,
    browser_session_id,
    eventually,
    log_in_via_page,
    set_browser_cookie,
)

PASSWORD = 'correct horse battery'


def only_session() -> UserSession:
    with read_session() as session:
        [row] = session.exec(select(UserSession)).all()
        return row


async def logged_in(user: User) -> tuple[str, Path]:
    """Log Ada in through the form; returns the browser id and its storage file (once written)."""
    sign_up('ada@example.com', 'Ada', PASSWORD)
    await log_in_via_page(user, 'ada@example.com', PASSWORD)
    await user.should_see('Create a workspace', retries=RETRIES)
    browser = browser_session_id(user)
    assert browser is not None
    path = user_storage_file(browser)
    await eventually(path.exists)
    return browser, path


async def test_the_storage_file_holds_the_session_id_and_never_the_token(user: User) -> None:
    _, path = await logged_in(user)
    token = browser_cookie(user)[COOKIE_TOKEN_KEY]
    row = only_session()
    text = path.read_text(encoding='utf-8')
    assert token not in text and row.token_hash not in text
    assert json.loads(text)[STORAGE_SESSION_KEY] == row.id
    for other in path.parent.iterdir():  # nothing else NiceGUI keeps holds it either
        assert token not in other.read_text(encoding='utf-8', errors='replace'), other.name


async def test_the_storage_alone_logs_no_one_in(user: User, create_user: Callable[[], User]) -> None:
    await logged_in(user)
    row = only_session()
    thief = create_user()  # another browser whose storage is a copy of Ada's file
    await thief.open('/login')
    thief_browser = browser_session_id(thief)
    assert thief_browser is not None
    (await open_user_storage(thief_browser))[STORAGE_SESSION_KEY] = row.id
    await thief.open('/new-workspace')
    await thief.should_see('Log in to Teamchat', retries=RETRIES)
    # and the token without the storage that names its session does not either
    set_browser_cookie(thief, {**browser_cookie(thief), COOKIE_TOKEN_KEY: browser_cookie(user)[COOKIE_TOKEN_KEY]})
    (await open_user_storage(thief_browser))[STORAGE_SESSION_KEY] = (row.id or 0) + 1
    await thief.open('/new-workspace')
    await thief.should_see('Log in to Teamchat', retries=RETRIES)


async def test_logout_removes_the_storage_file_and_its_memory(user: User) -> None:
    browser, path = await logged_in(user)
    before = user_storage(browser)
    assert before
    user.find('logout').click()
    await user.should_see('Log in to Teamchat', retries=RETRIES)
    assert only_session().revoked_at is not None
    await asyncio.sleep(0.2)  # any write NiceGUI had pending must not bring it back
    assert not path.exists()
    after = user_storage(browser)  # the /login request that followed opened a new, empty one
    assert after is not before and not after and not before


async def test_an_expired_session_loses_its_storage(user: User) -> None:
    browser, path = await logged_in(user)
    update_row(UserSession, only_session().id, created_at=utcnow() - SESSION_MAX_AGE - timedelta(minutes=1))
    state.runtime._end_expired_sessions()  # the app timer's job, every minute
    assert only_session().revoked_at is not None
    assert not path.exists() and user_storage(browser) is None
    await user.open('/new-workspace')
    await user.should_see('Log in to Teamchat', retries=RETRIES)


async def test_storage_of_sessions_that_ended_elsewhere_goes_on_the_next_sweep(user: User) -> None:
    _, path = await logged_in(user)
    ada = only_session().user_id
    _, other = start_session(ada)
    kept = await open_user_storage('another-browser')
    kept[STORAGE_SESSION_KEY] = other.id
    update_row(UserSession, only_session_of(path), revoked_at=utcnow())  # e.g. on another node
    assert forget_ended_browsers() == 1
    assert not path.exists()
    assert user_storage('another-browser') is kept  # an active session keeps its storage


def only_session_of(path: Path) -> int:
    value = json.loads(path.read_text(encoding='utf-8'))[STORAGE_SESSION_KEY]
    assert isinstance(value, int)
    return value


async def test_a_raw_token_left_by_an_older_version_ends_its_session(user: User) -> None:
    ada = sign_up('ada@example.com', 'Ada', PASSWORD)
    token, row = start_session(ada.id or 0)
    path = user_storage_file('old-browser')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({LEGACY_STORAGE_TOKEN_KEY: token, 'last_workspace': 'acme'}), encoding='utf-8')
    forget_ended_browsers()  # runs at every start
    assert not path.exists()
    with read_session() as session:
        stored = session.get(UserSession, row.id)
        assert stored is not None and stored.revoked_at is not None
