"""NiceGUI's session cookie: HttpOnly and SameSite=Lax always; Secure by CHAT_SECURE_COOKIES (auto|always|never)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from nicegui import app
from nicegui.testing import User
from starlette.types import Message, Receive, Scope, Send

from hardening.cookies import SecureCookies, SecureSessionCookie
from settings import reset_settings_cache

PROXIED_HTTPS = {'X-Forwarded-Proto': 'https'}


def _session_cookie(response: httpx.Response) -> list[str]:
    """The session cookie's attributes, lower-cased: ['session=…', 'path=/', …, 'httponly', 'samesite=lax']."""
    (header,) = (value for value in response.headers.get_list('set-cookie') if value.startswith('session='))
    return [part.strip().lower() for part in header.split(';')]


@pytest.fixture
def secure_cookies(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Parametrized with the setting's value; must come before `user`, which starts the app."""
    monkeypatch.setenv('CHAT_SECURE_COOKIES', request.param)
    reset_settings_cache()
    yield


@pytest.mark.parametrize(
    ('secure_cookies', 'headers', 'secure'),
    [
        ('auto', {}, False),
        ('auto', PROXIED_HTTPS, True),
        ('auto', {'X-Forwarded-Proto': 'https, http'}, True),  # the first (outermost) proxy's word counts
        ('always', {}, True),
        ('never', PROXIED_HTTPS, False),
    ],
    indirect=['secure_cookies'],
)
async def test_secure_follows_the_setting(
    secure_cookies: None, user: User, headers: dict[str, str], secure: bool
) -> None:
    cookie = _session_cookie(await user.http_client.get('/login', headers=headers))
    assert ('secure' in cookie) is secure
    assert 'httponly' in cookie
    assert 'samesite=lax' in cookie


async def test_auto_marks_the_cookie_secure_on_a_direct_https_request(user: User) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='https://test') as client:
        cookie = _session_cookie(await client.get('/login'))
    assert 'secure' in cookie and 'httponly' in cookie and 'samesite=lax' in cookie


@pytest.mark.parametrize('mode', ['auto', 'always', 'never'])
async def test_lifespan_passes_through_untouched(mode: SecureCookies) -> None:
    """The server's start-up runs through every middleware as a `lifespan` scope, which has no headers."""
    seen: list[Scope] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def nothing() -> Message:
        raise AssertionError('not read')

    async def ignore(message: Message) -> None:
        raise AssertionError('not sent')

    scope: Scope = {'type': 'lifespan', 'asgi': {'version': '3.0'}}
    await SecureSessionCookie(inner, mode=mode)(scope, nothing, ignore)
    assert seen == [scope]
