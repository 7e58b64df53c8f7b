"""Every HTTP response carries the security headers: pages, API, files, NiceGUI's assets and errors."""

from __future__ import annotations

import pytest
from fastapi.responses import Response
from nicegui import __version__, app
from nicegui.testing import User

from hardening.headers import CONTENT_SECURITY_POLICY

PATHS = [
    '/login',  # a NiceGUI page
    '/healthz',  # a plain route
    '/api/auth.test',  # the Slack-compatible API (answers invalid_auth)
    '/files/nope/report.pdf',  # a file download route (unknown id)
    f'/_nicegui/{__version__}/static/nicegui.js',  # NiceGUI's static assets
    f'/_nicegui/{__version__}/libraries/nope.js',  # and its error answers
    '/no-such-page',  # NiceGUI's 404 page
]


@pytest.mark.parametrize('path', PATHS)
async def test_response_carries_the_security_headers(user: User, path: str) -> None:
    response = await user.http_client.get(path)
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert response.headers['referrer-policy'] == 'same-origin'
    assert response.headers['x-frame-options'] == 'DENY'
    assert response.headers['content-security-policy'] == CONTENT_SECURITY_POLICY


def test_policy_forbids_framing_plugins_and_foreign_sources() -> None:
    directives = dict(part.split(' ', 1) for part in CONTENT_SECURITY_POLICY.split('; '))
    assert directives['frame-ancestors'] == "'none'"
    assert directives['object-src'] == "'none'"
    assert directives['default-src'] == "'self'"
    assert directives['connect-src'] == "'self'"


async def test_a_route_keeps_its_own_stricter_value(user: User) -> None:
    async def sandboxed() -> Response:
        return Response('x', headers={'Content-Security-Policy': 'sandbox', 'Referrer-Policy': 'no-referrer'})

    app.add_api_route('/_test/sandboxed', sandboxed)
    response = await user.http_client.get('/_test/sandboxed')
    assert response.headers['content-security-policy'] == 'sandbox'
    assert response.headers['referrer-policy'] == 'no-referrer'
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert response.headers.get_list('content-security-policy') == ['sandbox']
