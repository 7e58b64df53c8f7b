"""The HTTP routes: streamed upload with session + CSRF checks, and downloads with their safety headers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import Request
from nicegui import app
from nicegui.testing import User
from sqlmodel import select

from db.engine import read_session, session_scope
from db.models import Attachment, Workspace
from settings import get_settings
from state.actions.accounts import start_session
from state.files import storage
from state.files.csrf import HEADER, upload_token
from state.web_session import remember_session
from tests import files_support as samples
from tests.files_support import World, make_message, make_world

Login = Callable[[User, int], Awaitable[str]]


@pytest.fixture
def world(user: User) -> World:  # the `user` fixture has started the app and migrated its database
    return make_world()


@pytest.fixture
def login() -> Login:
    """Log a simulated browser in as `user_id`; returns the page's upload token for that session."""

    async def _session(request: Request, user_id: int) -> dict[str, str]:
        token, row = start_session(user_id)
        await remember_session(request, request.session['id'], token, row.id or 0)
        return {'upload_token': upload_token(token)}

    app.add_api_route('/_test/login/{user_id}', _session, methods=['POST'])

    async def _login(browser: User, user_id: int) -> str:
        response = await browser.http_client.post(f'/_test/login/{user_id}')
        assert response.status_code == 200
        return str(response.json()['upload_token'])

    return _login


async def _upload(
    browser: User, channel_id: int, name: str, body: bytes | AsyncIterator[bytes], token: str | None, **headers: str
) -> httpx.Response:
    if token is not None:
        headers[HEADER] = token
    return await browser.http_client.post(
        f'/files/upload/{channel_id}', params={'name': name}, content=body, headers=headers
    )


def _stored_files() -> list[str]:
    root = storage.uploads_root()
    return sorted(str(path) for path in root.rglob('*') if path.is_file()) if root.exists() else []


def _send(public_id: str, channel_id: int, author_id: int) -> None:
    message_id = make_message(channel_id, author_id)
    with session_scope() as session:
        row = session.exec(select(Attachment).where(Attachment.public_id == public_id)).one()
        row.message_id = message_id
        session.add(row)


async def test_upload_and_download_an_image(user: User, world: World, login: Login) -> None:
    token = await login(user, world.member)
    photo = samples.image_bytes('JPEG', (720, 360), orientation=1)
    response = await _upload(user, world.general, 'holiday.jpg', photo, token, **{'Content-Type': 'image/jpeg'})
    assert response.status_code == 201, response.text
    view = response.json()
    assert (view['name'], view['mime'], view['width'], view['height'], view['has_thumbnail']) == (
        'holiday.jpg',
        'image/jpeg',
        720,
        360,
        True,
    )

    full = await user.http_client.get(f'/files/{view["id"]}/holiday.jpg')
    assert full.status_code == 200
    assert full.headers['content-type'] == 'image/jpeg'
    assert full.headers['content-disposition'] == 'inline; filename="holiday.jpg"; filename*=UTF-8\'\'holiday.jpg'
    assert full.headers['x-content-type-options'] == 'nosniff'
    assert full.headers['content-security-policy'].startswith('sandbox')
    assert full.headers['cache-control'] == 'private, no-cache'
    assert b'SpyCam' not in full.content

    thumb = await user.http_client.get(f'/files/{view["id"]}/thumb')
    assert thumb.status_code == 200
    assert thumb.headers['content-type'] == 'image/webp'
    assert thumb.headers['x-content-type-options'] == 'nosniff'

    again = await user.http_client.get(f'/files/{view["id"]}/thumb', headers={'If-None-Match': thumb.headers['etag']})
    assert again.status_code == 304
    assert again.content == b''


async def test_files_other_than_images_and_pdf_download_as_attachments(user: User, world: World, login: Login) -> None:
    token = await login(user, world.owner)
    with session_scope() as session:
        workspace = session.get(Workspace, world.workspace)
        assert workspace is not None
        workspace.extra_upload_types = 'image/svg+xml'
    pdf = (await _upload(user, world.general, 'report.pdf', samples.PDF, token)).json()
    svg = (await _upload(user, world.general, 'logo.svg', samples.SVG, token)).json()
    text = (await _upload(user, world.general, 'naïve "notes".txt', b'hello', token)).json()

    pdf_response = await user.http_client.get(f'/files/{pdf["id"]}/report.pdf')
    assert pdf_response.headers['content-disposition'].startswith('inline;')
    assert pdf_response.headers['content-type'] == 'application/pdf'

    svg_response = await user.http_client.get(f'/files/{svg["id"]}/logo.svg')
    assert svg_response.headers['content-disposition'].startswith('attachment;')
    assert svg_response.headers['content-type'] == 'application/octet-stream'
    assert svg_response.content == samples.SVG

    text_response = await user.http_client.get(f'/files/{text["id"]}/whatever-the-url-says')
    assert text_response.headers['content-disposition'] == (
        'attachment; filename="na_ve _notes_.txt"; filename*=UTF-8\'\'na%C3%AFve%20_notes_.txt'
    )
    assert text_response.content == b'hello'


async def test_upload_needs_a_session_and_the_page_token(user: User, world: World, login: Login) -> None:
    anonymous = await _upload(user, world.general, 'a.txt', b'hello', token=None)
    assert anonymous.status_code == 401
    assert anonymous.json() == {'ok': False, 'error': 'not_authed', 'message': 'Sign in to upload files.'}

    token = await login(user, world.member)
    for bad_token, headers in (
        (None, {}),
        ('0' * 64, {}),
        (token, {'Sec-Fetch-Site': 'cross-site'}),
        (token, {'Sec-Fetch-Site': 'same-site'}),
    ):
        response = await _upload(user, world.general, 'a.txt', b'hello', bad_token, **headers)
        assert response.status_code == 403
        assert response.json()['error'] == 'invalid_csrf'
    ok = await _upload(user, world.general, 'a.txt', b'hello', token, **{'Sec-Fetch-Site': 'same-origin'})
    assert ok.status_code == 201


async def test_bad_uploads_get_clear_errors_and_leave_nothing(user: User, world: World, login: Login) -> None:
    token = await login(user, world.member)
    cases = [
        (samples.ELF, 'kitten.png', 415, 'file_type_not_allowed', 'This file is a Linux program'),
        (samples.PE, 'report.pdf', 415, 'file_type_not_allowed', 'a Windows program'),
        (b'echo hi', 'setup.cmd', 415, 'file_type_not_allowed', 'extension .cmd'),
        (samples.MP4, 'movie.mp4', 415, 'file_type_not_allowed', 'does not accept'),
        (b'', 'empty.txt', 400, 'file_empty', 'The file is empty.'),
        (samples.png_header_only(100_000, 100_000), 'bomb.png', 422, 'bad_image', 'megapixels'),
    ]
    for data, name, status, code, message in cases:
        response = await _upload(user, world.general, name, data, token)
        assert response.status_code == status, (name, response.text)
        assert response.json()['error'] == code
        assert message in response.json()['message']
    traversal = await _upload(user, world.general, '..\\..\\..\\windows\\win.ini', b'[fonts]\n', token)
    assert traversal.status_code == 201
    assert traversal.json()['name'] == 'win.ini'
    assert len(_stored_files()) == 1  # only the harmless text file; no partial or refused bytes


async def test_the_size_limit_is_enforced_while_streaming(
    user: User, world: World, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('CHAT_MAX_UPLOAD_BYTES', '10000')
    get_settings.cache_clear()
    token = await login(user, world.member)
    sent = 0

    async def body() -> AsyncIterator[bytes]:  # chunked: no Content-Length to refuse early
        nonlocal sent
        for _ in range(100):
            sent += 1
            yield b'x' * 1000

    response = await _upload(user, world.general, 'big.txt', body(), token)
    assert response.status_code == 413
    assert response.json() == {
        'ok': False,
        'error': 'file_too_large',
        'message': 'The file is larger than the limit of 9.8 KB.',
    }
    assert sent < 100  # the server stopped reading; the rest was never consumed
    assert _stored_files() == []

    declared = await _upload(user, world.general, 'big.txt', b'x' * 20_000, token)
    assert declared.status_code == 413  # refused from Content-Length before reading the body


async def test_other_peoples_files_are_not_found(user: User, create_user: Callable[[], User], login: Login) -> None:
    world = make_world()
    owner_token = await login(user, world.owner)
    secret = (await _upload(user, world.private, 'plans.pdf', samples.PDF, owner_token)).json()
    photo = (await _upload(user, world.private, 'p.png', samples.image_bytes('PNG'), owner_token)).json()
    _send(secret['id'], world.private, world.owner)
    _send(photo['id'], world.private, world.owner)
    assert (await user.http_client.get(f'/files/{secret["id"]}/plans.pdf')).status_code == 200

    intruder = create_user()
    await login(intruder, world.outsider)
    for url in (f'/files/{secret["id"]}/plans.pdf', f'/files/{photo["id"]}/thumb', f'/files/{photo["id"]}/p.png'):
        response = await intruder.http_client.get(url)
        assert response.status_code == 404
        assert response.json()['message'] == 'File not found.'
    unknown = await intruder.http_client.get('/files/does-not-exist/plans.pdf')
    assert unknown.status_code == 404
    assert unknown.json() == response.json()  # the same answer: existence does not leak

    stranger = create_user()
    assert (await stranger.http_client.get(f'/files/{secret["id"]}/plans.pdf')).status_code == 401
    upload_elsewhere = await _upload(intruder, world.private, 'a.txt', b'x', await login(intruder, world.outsider))
    assert upload_elsewhere.status_code == 404
    with read_session() as session:
        assert len(session.exec(select(Attachment)).all()) == 2


async def test_uploads_past_the_pending_quota_are_refused_before_and_after_receiving(
    user: User, world: World, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('CHAT_MAX_PENDING_UPLOAD_BYTES', '1000')
    get_settings.cache_clear()
    token = await login(user, world.member)
    first = await _upload(user, world.general, 'a.txt', b'a' * 800, token)
    assert first.status_code == 201, first.text
    declared = await _upload(user, world.general, 'b.txt', b'b' * 300, token)  # Content-Length: refused unread
    assert declared.status_code == 413
    assert declared.json()['error'] == 'upload_quota_exceeded'
    assert declared.json()['message'].startswith('You have too many files waiting to be sent (800 bytes uploaded')

    async def body() -> AsyncIterator[bytes]:  # chunked: no length to refuse from, so refused once received
        for _ in range(3):
            yield b'c' * 100

    chunked = await _upload(user, world.general, 'c.txt', body(), token)
    assert chunked.status_code == 413 and chunked.json()['error'] == 'upload_quota_exceeded'
    assert len(_stored_files()) == 1  # only the first file; the refused ones left nothing, staging included
    _send(first.json()['id'], world.general, world.member)
    again = await _upload(user, world.general, 'b.txt', b'b' * 300, token)
    assert again.status_code == 201, again.text  # a sent file no longer counts
