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

MAX_BODY_BYTES = 1_000_000  # messages are at most a few thousand characters; this leaves room for blocks


@dataclass(frozen=True)
class CallInput:
    token: str | None
    args: dict[str, Any]


async def read_call(request: Request) -> CallInput:
    args: dict[str, Any] = dict(request.query_params)
    if request.method == 'POST':
        args.update(await _body_args(request))
    token = _bearer(request.headers.get('authorization', ''))
    form_token = args.pop('token', None)
    if token is None and isinstance(form_token, str) and form_token:
        token = form_token
    return CallInput(token=token, args=args)


def _bearer(header: str) -> str | None:
    scheme, _, value = header.strip().partition(' ')
    if scheme.lower() != 'bearer' or not value.strip():
        return None
    return value.strip()


async def _body_args(request: Request) -> dict[str, Any]:
    content_type = request.headers.get('content-type', '').split(';')[0].strip().lower()
    if content_type == 'multipart/form-data':
        _declared_within_cap(request)  # Starlette parses from the stream: the cap is checked before it starts
        try:
            form = await request.form(max_files=0)  # file parts are refused: no method takes files
        except HTTPException as error:  # Starlette's 400 for malformed multipart or file parts
            raise SlackError('invalid_form_data', str(error.detail)) from error
        return {key: value for key, value in form.items() if not isinstance(value, UploadFile)}
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


def _declared_within_cap(request: Request) -> None:
    """A multipart body must declare its length (the server holds it to it), and that length must fit."""
    declared = request.headers.get('content-length', '')
    if not declared.isdigit():
        raise SlackError('invalid_form_data', 'A multipart body needs a Content-Length.')
    if int(declared) > MAX_BODY_BYTES:
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
