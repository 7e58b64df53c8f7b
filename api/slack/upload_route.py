"""`POST /api/upload/{secret}`: the upload URL that files.getUploadURLExternal hands out (step 2 of 3).

The URL itself is the credential (Slack's SDKs send no token to it): its secret is random, the slot it names
works once and expires (`state/actions/api_uploads.py`). The body is the file, raw (slack_sdk sends it so,
labelled as a form) or as the `file` part of a multipart form; at most the announced length is received.
Answers 200 with `OK - <size>` as Slack does; a refusal is Slack's JSON error with a 4xx status, which the SDKs
report as a failed upload.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from nicegui import app, run
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from api.slack.request_args import FILE_BODY_SLACK
from state.actions.api_uploads import receive_upload, slot_length
from state.errors import ActionError, NotFound
from state.files.errors import FileTooLarge
from state.files.storage import StagedFile, StagingWriter

UPLOAD_PATH = '/api/upload/{secret}'
_SECRET_MAX = 200


def register() -> None:
    app.add_api_route(UPLOAD_PATH, upload_to_slot, methods=['POST'], include_in_schema=False)


def upload_url(base_url: str, secret: str) -> str:
    return f'{base_url.rstrip("/")}{UPLOAD_PATH.format(secret=secret)}'


async def upload_to_slot(request: Request, secret: str) -> Response:
    try:
        if len(secret) > _SECRET_MAX:
            raise NotFound('This upload URL is unknown.', code='upload_not_found')
        length = await run.io_bound(slot_length, secret)
        if length is None:  # the server is shutting down
            return _refused(503, 'service_unavailable')
        staged = await _receive(request, length)
        await run.io_bound(receive_upload, secret, staged)
    except FileTooLarge:
        return _refused(413, 'file_too_large')
    except ActionError as error:
        return _refused(404 if isinstance(error, NotFound) else 400, error.code)
    except (ClientDisconnect, HTTPException, ValueError):
        return _refused(400, 'invalid_form_data')
    return PlainTextResponse(f'OK - {staged.size}')


async def _receive(request: Request, limit: int) -> StagedFile:
    is_form = request.headers.get('content-type', '').split(';')[0].strip().lower() == 'multipart/form-data'
    with StagingWriter(limit) as writer:  # past the announced length it stops and removes the partial file
        if is_form:
            await _receive_file_part(request, limit, writer)
        else:
            async for chunk in request.stream():
                writer.write(chunk)
        staged = await run.io_bound(writer.finish)
        if staged is None:
            raise ClientDisconnect()
        return staged


async def _receive_file_part(request: Request, limit: int, writer: StagingWriter) -> None:
    """A multipart body must declare a length that fits (Starlette spools parts without a cap of its own)."""
    declared = request.headers.get('content-length', '')
    if not declared.isdigit():
        raise ValueError('a multipart body needs a Content-Length')
    if int(declared) > limit + FILE_BODY_SLACK:
        raise FileTooLarge('The body is larger than the announced length.')
    form = await request.form(max_files=1, max_fields=20)
    part = form.get('file') or form.get('filename')
    if not isinstance(part, UploadFile):
        raise ValueError('the form has no file part')
    while chunk := await part.read(256 * 1024):
        writer.write(chunk)


def _refused(status: int, code: str) -> JSONResponse:
    return JSONResponse({'ok': False, 'error': code}, status_code=status)
