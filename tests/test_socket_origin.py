"""socket.io accepts a browser only from the site's own origin; programs without an Origin header still connect."""

from __future__ import annotations

import httpx
import pytest
from nicegui.testing import User

from hardening.origin import is_same_origin

HANDSHAKE = '/_nicegui_ws/socket.io/?EIO=4&transport=polling'


async def _open(user: User, headers: dict[str, str]) -> httpx.Response:
    return await user.http_client.get(HANDSHAKE, headers=headers)  # user.http_client sends `Host: test`


async def test_a_foreign_origin_is_refused(user: User, caplog: pytest.LogCaptureFixture) -> None:
    response = await _open(user, {'Origin': 'https://evil.example'})
    assert response.status_code == 400
    assert 'access-control-allow-origin' not in response.headers
    assert 'https://evil.example is not an accepted origin' in caplog.text
    caplog.clear()  # engine.io logs the first refusal as an ERROR, which the user fixture would count as a fault


async def test_the_sites_own_origin_is_accepted(user: User) -> None:
    response = await _open(user, {'Origin': 'http://test'})
    assert response.status_code == 200
    assert response.text.startswith('0{')  # engine.io's "open" packet
    assert response.headers['access-control-allow-origin'] == 'http://test'


async def test_no_origin_header_is_a_program_and_allowed(user: User) -> None:
    response = await _open(user, {})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ('origin', 'host', 'allowed'),
    [
        ('https://chat.example.com', 'chat.example.com', True),
        ('https://Chat.Example.com', 'chat.example.com', True),
        ('http://127.0.0.1:8080', '127.0.0.1:8080', True),
        ('https://chat.example.com', 'chat.example.com:443', True),  # the default port, spelt out
        ('http://127.0.0.1:8081', '127.0.0.1:8080', False),
        ('https://chat.example.com.evil.example', 'chat.example.com', False),
        ('https://evil.example', 'chat.example.com', False),
        ('null', 'chat.example.com', False),  # sandboxed frames and file:// pages
        ('https://chat.example.com', '', False),
        (None, 'chat.example.com', True),
    ],
)
def test_origin_must_name_the_requested_host(origin: str | None, host: str, allowed: bool) -> None:
    environ = {'HTTP_HOST': host} if host else {}
    assert is_same_origin(origin, environ) is allowed
