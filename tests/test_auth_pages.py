"""Sign-up, log-in, log-out and the / router through NiceGUI's simulated user."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui.testing import User
from sqlmodel import select

from db.engine import read_session
from db.models import User as UserRow
from db.models import UserSession
from pages.session import safe_next
from state.actions.accounts import sign_up, start_session
from state.actions.workspaces import create_workspace
from state.login_tickets import login_tickets
from tests.page_helpers import RETRIES, browser_session_id, current_path, log_in_via_page, sign_up_via_page

PASSWORD = 'correct horse battery'


def sessions() -> list[UserSession]:
    with read_session() as session:
        return list(session.exec(select(UserSession)).all())


def account_count() -> int:
    with read_session() as session:
        return len(session.exec(select(UserRow)).all())


async def test_sign_up_logs_in_and_offers_to_create_a_workspace(user: User) -> None:
    await sign_up_via_page(user, ' Ada@Example.com ', 'Ada Lovelace', PASSWORD)
    await user.should_see('Create a workspace', retries=RETRIES)
    assert current_path(user) == '/new-workspace'
    await user.should_see('Ada Lovelace')
    [row] = sessions()
    assert row.revoked_at is None
    with read_session() as session:
        stored = session.exec(select(UserRow)).one()
    assert stored.email == 'ada@example.com'


@pytest.mark.parametrize(
    ('email', 'name', 'password', 'message'),
    [
        ('taken@example.com', 'Copycat', PASSWORD, 'An account with this email already exists'),
        ('not-an-email', 'Ada', PASSWORD, 'Please enter a valid email address'),
        ('ada@example.com', 'Ada', 'short', 'at least 8 characters'),
        ('ada@example.com', 'Ada', 'p' * 129, 'at most 128 characters'),
        ('ada@example.com', '', PASSWORD, 'Please enter your name'),
    ],
)
async def test_bad_sign_up_shows_the_reason_and_changes_nothing(
    user: User, email: str, name: str, password: str, message: str
) -> None:
    sign_up('taken@example.com', 'Original', PASSWORD)
    await sign_up_via_page(user, email, name, password)
    await user.should_see(message, retries=RETRIES)
    assert current_path(user) == '/signup'
    assert account_count() == 1
    assert sessions() == []


async def test_log_in_rotates_the_session_cookie_and_creates_a_session(user: User) -> None:
    sign_up('ada@example.com', 'Ada', PASSWORD)
    await user.open('/login')
    before = browser_session_id(user)
    assert before is not None
    await log_in_via_page(user, 'ada@example.com', PASSWORD)
    await user.should_see('Create a workspace', retries=RETRIES)
    after = browser_session_id(user)
    assert after is not None and after != before  # no session fixation
    assert len(sessions()) == 1


async def test_wrong_password_and_unknown_email_read_the_same(user: User) -> None:
    sign_up('ada@example.com', 'Ada', PASSWORD)
    await log_in_via_page(user, 'ada@example.com', 'wrong password')
    await user.should_see('Wrong email or password.', retries=RETRIES)
    await log_in_via_page(user, 'nobody@example.com', 'wrong password')
    await user.should_see('Wrong email or password.', retries=RETRIES)
    assert sessions() == []


async def test_repeated_failures_are_throttled_with_a_clear_message(user: User) -> None:
    sign_up('ada@example.com', 'Ada', PASSWORD)
    await user.open('/login')
    user.find('login-email').type('ada@example.com')
    for attempt in range(5):
        user.find('login-password').clear().type(f'wrong password {attempt}')
        user.find('login-submit').click()
        await user.should_see('Wrong email or password.', retries=RETRIES)
        await user.should_see('Log in', retries=RETRIES)
    user.find('login-password').clear().type(PASSWORD)  # even the right password waits now (from here)
    user.find('login-submit').click()
    await user.should_see('Too many attempts, try again in 1 second.', retries=RETRIES)
    assert sessions() == []


async def test_protected_page_sends_to_login_and_back(user: User) -> None:
    sign_up('ada@example.com', 'Ada', PASSWORD)
    await user.open('/new-workspace')
    await user.should_see('Log in to Teamchat', retries=RETRIES)
    assert current_path(user) == '/login?next=%2Fnew-workspace'
    user.find('login-email').type('ada@example.com')
    user.find('login-password').type(PASSWORD)
    user.find('login-submit').click()
    await user.should_see('Create a workspace', retries=RETRIES)


@pytest.mark.parametrize(
    'next_url', ['//evil.example/x', '/\\evil.example', 'https://evil.example/', '/\t/evil.example']
)
async def test_log_in_never_redirects_off_site(user: User, next_url: str) -> None:
    sign_up('ada@example.com', 'Ada', PASSWORD)
    account = account_count()
    from urllib.parse import urlencode

    await log_in_via_page(user, 'ada@example.com', PASSWORD, path='/login?' + urlencode({'next': next_url}))
    await user.should_see('Create a workspace', retries=RETRIES)  # '/' routed to the first-workspace page
    assert current_path(user) == '/new-workspace'
    assert account_count() == account


@pytest.mark.parametrize(
    ('target', 'expected'),
    [
        ('/w/acme/c/3?x=1#m', '/w/acme/c/3?x=1#m'),
        ('/join/abc', '/join/abc'),
        ('', '/'),
        (None, '/'),
        ('w/acme', '/'),
        ('//evil.example', '/'),
        ('/\\evil.example', '/'),
        ('/ok\\..\\evil', '/'),
        ('https://evil.example', '/'),
        ('/\t/evil.example', '/'),
        ('/\n/evil.example', '/'),
        ('/ spaced', '/'),
        ('javascript:alert(1)', '/'),
    ],
)
def test_safe_next(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


async def test_logout_ends_the_session_in_every_tab(user: User, create_user: Callable[[], User]) -> None:
    sign_up('ada@example.com', 'Ada', PASSWORD)
    await log_in_via_page(user, 'ada@example.com', PASSWORD)
    await user.should_see('Create a workspace', retries=RETRIES)
    other_tab = create_user()
    other_tab.http_client.cookies = user.http_client.cookies  # same browser, second tab
    await other_tab.open('/new-workspace')
    await other_tab.should_see('Create a workspace')

    user.find('logout').click()

    await user.should_see('Log in to Teamchat', retries=RETRIES)
    await other_tab.should_see('Log in to Teamchat', retries=RETRIES)  # pushed out live, not on next click
    [row] = sessions()
    assert row.revoked_at is not None
    await other_tab.open('/new-workspace')  # and the cookie no longer opens anything
    await other_tab.should_see('Log in to Teamchat', retries=RETRIES)


async def test_logout_elsewhere_does_not_touch_other_sessions(user: User, create_user: Callable[[], User]) -> None:
    sign_up('ada@example.com', 'Ada', PASSWORD)
    await log_in_via_page(user, 'ada@example.com', PASSWORD)
    await user.should_see('Create a workspace', retries=RETRIES)
    laptop = create_user()  # a different browser of the same person
    await log_in_via_page(laptop, 'ada@example.com', PASSWORD)
    await laptop.should_see('Create a workspace', retries=RETRIES)
    user.find('logout').click()
    await user.should_see('Log in to Teamchat', retries=RETRIES)
    await laptop.should_see('Create a workspace')
    assert current_path(laptop) == '/new-workspace'
    assert sorted(row.revoked_at is None for row in sessions()) == [False, True]


async def test_login_ticket_is_single_use_and_bound_to_its_browser(user: User, create_user: Callable[[], User]) -> None:
    ada = sign_up('ada@example.com', 'Ada', PASSWORD)
    assert ada.id is not None
    await user.open('/login')
    browser = browser_session_id(user)
    assert browser is not None
    stranger = create_user()
    await stranger.open('/login')

    stolen = login_tickets.issue(ada.id, browser)
    response = await stranger.http_client.get(f'/auth/complete?ticket={stolen}', follow_redirects=False)
    assert response.status_code == 303 and 'error=ticket' in response.headers['location']
    assert sessions() == []

    ticket = login_tickets.issue(ada.id, browser)
    response = await user.http_client.get(f'/auth/complete?ticket={ticket}&next=/join/x', follow_redirects=False)
    assert (response.status_code, response.headers['location']) == (303, '/join/x')
    assert len(sessions()) == 1
    again = await user.http_client.get(f'/auth/complete?ticket={ticket}', follow_redirects=False)
    assert 'error=ticket' in again.headers['location']
    await user.open('/login?error=ticket')
    await user.should_see('Create a workspace', retries=RETRIES)  # already logged in: /login moves on


async def test_root_routes_by_login_state_and_workspaces(user: User) -> None:
    response = await user.http_client.get('/', follow_redirects=False)
    assert (response.status_code, response.headers['location']) == (303, '/login')
    ada = sign_up('ada@example.com', 'Ada', PASSWORD)
    assert ada.id is not None
    await log_in_via_page(user, 'ada@example.com', PASSWORD)
    await user.should_see('Create a workspace', retries=RETRIES)
    response = await user.http_client.get('/', follow_redirects=False)
    assert response.headers['location'] == '/new-workspace'
    create_workspace(ada.id, 'Zeta')
    create_workspace(ada.id, 'Alpha')
    response = await user.http_client.get('/', follow_redirects=False)
    assert response.headers['location'] == '/w/alpha'  # no last workspace yet: the first one


async def test_a_revoked_token_in_storage_counts_as_logged_out(user: User) -> None:
    ada = sign_up('ada@example.com', 'Ada', PASSWORD)
    assert ada.id is not None
    start_session(ada.id)  # a session of another browser must not log this one in
    await user.open('/new-workspace')
    await user.should_see('Log in to Teamchat', retries=RETRIES)
