"""Arguments and the token of a Web API call, from wherever Slack clients put them.

Query string, then the body (application/x-www-form-urlencoded, multipart form fields, or a JSON object)
on top. The token comes from `Authorization: Bearer …` or, as Slack allows, a `token` argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from api.slack.errors import SlackError
from api.slack.json_body import json_args
from settings import get_settings

MAX_BODY_BYTES = 1_000_000  # messages are at most a few thousand characters; this leaves room for blocks
FILE_BODY_SLACK = 64 * 1024  # a file part's multipart headers and the other fields, beyond the file itself


@dataclass(frozen=True)
class CallInput:
    token: str | None
    args: dict[str, Any]


async def read_call(request: Request, *, takes_file: bool = False) -> CallInput:
    """`takes_file`: one multipart file part is kept (a Starlette `UploadFile`, spooled to disk) and the body
    may be as large as an upload (`settings.max_upload_bytes`); the method hands it to the upload path."""
    args: dict[str, Any] = dict(request.query_params)
    if request.method == 'POST':
        args.update(await _body_args(request, takes_file))
    token = bearer_token(request.headers.get('authorization', ''))
    form_token = args.pop('token', None)
    if token is None and isinstance(form_token, str) and form_token:
        token = form_token
    return CallInput(token=token, args=args)


def bearer_token(header: str) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    scheme, _, value = header.strip().partition(' ')
    if scheme.lower() != 'bearer' or not value.strip():
        return None
    return value.strip()


async def _body_args(request: Request, takes_file: bool) -> dict[str, Any]:
    content_type = request.headers.get('content-type', '').split(';')[0].strip().lower()
    if content_type == 'multipart/form-data':
        # Starlette parses from the stream: the cap is checked before it starts
        cap = FILE_BODY_SLACK + get_settings().max_upload_bytes if takes_file else MAX_BODY_BYTES
        _declared_within_cap(request, cap)
        try:
            form = await request.form(max_files=1 if takes_file else 0)  # only files.upload takes a file
        except HTTPException as error:  # Starlette's 400 for malformed multipart or file parts
            raise SlackError('invalid_form_data', str(error.detail)) from error
        return {key: value for key, value in form.items() if takes_file or not isinstance(value, UploadFile)}
    body = await read_capped(request)
    if not body:
        return {}
    if content_type == 'application/json':
        return json_args(body)
    try:
        return dict(parse_qsl(body.decode('utf-8'), keep_blank_values=True))
    except UnicodeDecodeError as error:
        raise SlackError('invalid_charset', 'The form body is not valid UTF-8.') from error
    except ValueError as error:
        raise SlackError('invalid_form_data', 'The form body is malformed.') from error


def _declared_within_cap(request: Request, cap: int) -> None:
    """A multipart body must declare its length (the server holds it to it), and that length must fit."""
    declared = request.headers.get('content-length', '')
    if not declared.isdigit():
        raise SlackError('invalid_form_data', 'A multipart body needs a Content-Length.')
    if int(declared) > cap:
        raise SlackError('invalid_arguments', 'The request body is too large.')


async def read_capped(request: Request) -> bytes:
    """The request body, refused once it passes MAX_BODY_BYTES (declared or streamed)."""
    declared = request.headers.get('content-length', '')
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise SlackError('invalid_arguments', 'The request body is too large.')
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise SlackError('invalid_arguments', 'The request body is too large.')
        chunks.append(chunk)
    return b''.join(chunks)
