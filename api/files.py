"""HTTP transport for attachments: a streamed upload route and authorized download routes.

- `POST /files/upload/{channel_id}?name=<file name>`: the raw file is the request body (no multipart), so
  bytes are counted as they arrive and the request is cut off past `settings.max_upload_bytes`. The caller is
  the browser session (`state/web_session.py: current_user`). CSRF: the `X-Upload-Token`
  header must carry the page's token (`state/files/csrf.py`), and a `Sec-Fetch-Site` header, when the browser
  sends one, must say `same-origin`. Answers the pending `AttachmentView` as JSON (201) or
  `{"ok": false, "error": code, "message": text}`.
- `GET /files/{public_id}/{name}` and `GET /files/{public_id}/thumb`: who may read the file's channel is
  checked on every request; the caller is the browser session or, as Slack's `url_private` wants, a Web API
  token sent as `Authorization: Bearer` (then the file must also be in the token's workspace); anything else
  gets the same 404 as an unknown id. Responses carry
  `Content-Disposition` (inline only for PNG, JPEG, GIF, WebP and PDF), `X-Content-Type-Options: nosniff`,
  a sandboxing `Content-Security-Policy` and `Cache-Control: private, no-cache` (revalidated with an ETag).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse, Response
from nicegui import app, run
from starlette.requests import ClientDisconnect

from api.slack.request_args import bearer_token
from settings import get_settings
from state.actions.downloads import Downloadable, downloadable_file
from state.actions.tokens import token_identity
from state.actions.uploads import authorize_upload, store_upload
from state.errors import ActionError, Conflict, Forbidden, NotFound, RateLimited
from state.files import policy
from state.files.csrf import HEADER, is_valid_upload_token
from state.files.errors import BadImage, FileTooLarge, UnsupportedFileType, UploadQuotaExceeded
from state.files.storage import StagedFile, StagingWriter, limit_message
from state.web_session import current_user, session_token

THUMB_NAME = 'thumb'

FILE_SECURITY_HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    # A file opened on its own is a sandboxed, unique-origin document that can load nothing else.
    'Content-Security-Policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'private, no-cache',
}


def register() -> None:
    """Add the routes (called on every app start; NiceGUI's test harness clears routes between runs)."""
    app.add_api_route('/files/upload/{channel_id}', upload, methods=['POST'], include_in_schema=False)
    app.add_api_route('/files/{public_id}/thumb', thumbnail, methods=['GET', 'HEAD'], include_in_schema=False)
    app.add_api_route('/files/{public_id}/{name}', download, methods=['GET', 'HEAD'], include_in_schema=False)


def _session_token() -> str | None:
    return session_token()


def _user_id(session_token: str | None) -> int | None:
    if session_token is None:
        return None
    user = current_user()  # the cookie's token and the browser's storage name the same active session
    return user.id if user is not None else None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({'ok': False, 'error': code, 'message': message}, status_code=status)


def _status_for(error: ActionError) -> int:
    for kind, status in (
        (FileTooLarge, 413),
        (UploadQuotaExceeded, 413),
        (UnsupportedFileType, 415),
        (BadImage, 422),
        (NotFound, 404),
        (Forbidden, 403),
        (Conflict, 409),
        (RateLimited, 429),
    ):
        if isinstance(error, kind):
            return status
    return 400


# ---- upload ---------------------------------------------------------------------------------------------


async def upload(request: Request, channel_id: int, name: str = '') -> Response:
    session_token = _session_token()
    user_id = _user_id(session_token)
    if session_token is None or user_id is None:
        return _error(401, 'not_authed', 'Sign in to upload files.')
    fetch_site = request.headers.get('sec-fetch-site')
    if (fetch_site is not None and fetch_site != 'same-origin') or not is_valid_upload_token(
        session_token, request.headers.get(HEADER)
    ):
        return _error(403, 'invalid_csrf', 'The upload did not come from this page. Reload the page and try again.')
    limit = get_settings().max_upload_bytes
    declared_length = request.headers.get('content-length', '')
    if declared_length.isdigit() and int(declared_length) > limit:
        return _error(413, FileTooLarge.code, limit_message(limit))
    try:
        # Before accepting the body: a non-member, or someone whose waiting files would pass the quota, sends nothing.
        authorize_upload(user_id, channel_id, int(declared_length) if declared_length.isdigit() else 1)
        staged = await _receive(request, limit)
        view = await run.io_bound(store_upload, user_id, channel_id, name, staged, request.headers.get('content-type'))
    except ActionError as error:
        return _error(_status_for(error), error.code, error.message)
    except ClientDisconnect:
        return _error(400, 'aborted', 'The upload was interrupted.')
    if view is None:  # run.io_bound answers None while the server shuts down
        return _error(503, 'shutting_down', 'The server is restarting. Try again in a moment.')
    return JSONResponse(view.model_dump(), status_code=201)


async def _receive(request: Request, limit: int) -> StagedFile:
    """Stream the body into staging; past the limit the rest is not read (the writer removes its file)."""
    with StagingWriter(limit) as writer:
        async for chunk in request.stream():
            writer.write(chunk)
        staged = await run.io_bound(writer.finish)
        if staged is None:
            raise ClientDisconnect()
        return staged


# ---- download -------------------------------------------------------------------------------------------


async def download(request: Request, public_id: str, name: str) -> Response:
    return _serve(request, public_id, thumbnail=False)


async def thumbnail(request: Request, public_id: str) -> Response:
    return _serve(request, public_id, thumbnail=True)


def _serve(request: Request, public_id: str, *, thumbnail: bool) -> Response:
    token = bearer_token(request.headers.get('authorization', ''))
    identity = token_identity(token) if token is not None else None
    user_id = identity.user_id if identity is not None else _user_id(_session_token())
    workspace_id = identity.workspace_id if identity is not None else None
    if user_id is None:
        return _error(401, 'not_authed', 'Sign in to see this file.')
    try:
        try:
            file = downloadable_file(user_id, public_id, thumbnail=thumbnail, workspace_id=workspace_id)
        except NotFound:
            # `/files/{id}/thumb` is also the download URL of a file literally named "thumb" (no thumbnail).
            file = downloadable_file(user_id, public_id, workspace_id=workspace_id)
            if not thumbnail or file.name != THUMB_NAME:
                raise
            thumbnail = False
    except ActionError as error:
        return _error(_status_for(error), error.code, error.message)
    return _file_response(request, file, thumbnail=thumbnail)


def _file_response(request: Request, file: Downloadable, *, thumbnail: bool) -> Response:
    etag = f'"{file.sha256[:40]}{"-t" if thumbnail else ""}"'
    inline = thumbnail or policy.is_inline(file.mime)
    headers = {
        **FILE_SECURITY_HEADERS,
        'ETag': etag,
        'Content-Disposition': content_disposition(file.name, inline=inline),
    }
    if etag in request.headers.get('if-none-match', ''):
        return Response(status_code=304, headers=headers)
    return FileResponse(file.path, media_type=policy.served_type(file.mime), headers=headers)


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266: a plain-ASCII fallback name plus the exact UTF-8 name."""
    fallback = ''.join(char if ' ' <= char < '\x7f' and char not in '"\\%' else '_' for char in name)
    kind = 'inline' if inline else 'attachment'
    return f'{kind}; filename="{fallback}"; filename*=UTF-8\'\'{quote(name, safe="")}'
