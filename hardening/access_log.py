"""The access log: one line per HTTP request, in the process's log format, with secrets redacted.

A pure ASGI middleware (no `BaseHTTPMiddleware`: that would run the route in another task and lose the log
context). It opens the request's log scope (`hardening/log_context.py`) with a request id, the caller's own
`X-Request-ID` when it is a short plain token (so a proxy's id runs through), else a fresh one, and answers with
it in `X-Request-ID`. The line is written when the response has started: method, path and query redacted
(`hardening/redaction.py`), status, duration, client address; the user and workspace when the page build named
them. Headers are never logged. A websocket connection is logged as one `websocket` line when it opens.

An exception that escapes the app is logged here, once, with the request's context, and answered with a plain
500: it does not go on up, where NiceGUI's handler would log it, show its text to the visitor on an error page,
and hand it to uvicorn, which logs it a second (or third) time without any context.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hardening import log_context
from hardening.redaction import redact_url

log = logging.getLogger('teamchat.access')

_GIVEN_ID = re.compile(r'^[A-Za-z0-9._-]{1,64}$')
SKIPPED_PREFIXES = ('/_nicegui/',)  # NiceGUI's static assets: hundreds per page load, nothing to learn


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get('headers', ()):
        if name == b'x-request-id':
            given = value.decode('latin-1')
            if _GIVEN_ID.match(given):
                return given
    return uuid.uuid4().hex[:16]


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] not in ('http', 'websocket'):
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        path = scope.get('path', '')
        query = scope.get('query_string', b'').decode('latin-1')
        client = scope.get('client')
        address = client[0] if client else '-'
        started = time.perf_counter()
        status: list[int] = []

        async def send_logged(message: Message) -> None:
            if message['type'] == 'http.response.start':
                status.append(message['status'])
                headers = list(message.get('headers', []))
                headers.append((b'x-request-id', request_id.encode('latin-1')))
                message = {**message, 'headers': headers}
            await send(message)

        with log_context.scope(request_id=request_id):
            if scope['type'] == 'websocket':
                log.info('websocket %s from %s', redact_url(path, query), address)
                await self.app(scope, receive, send)
                return
            try:
                await self.app(scope, receive, send_logged)
            except Exception:
                log.exception('%s %s failed', scope.get('method', '-'), redact_url(path, query))
                if not status:
                    await _answer_500(send_logged)
            finally:
                code = status[0] if status else 500
                if not path.startswith(SKIPPED_PREFIXES) or code >= 400:
                    _log_request(scope.get('method', '-'), redact_url(path, query), code, started, address)


async def _answer_500(send: Send) -> None:
    body = b'Internal Server Error'
    headers = [(b'content-type', b'text/plain; charset=utf-8'), (b'content-length', str(len(body)).encode())]
    await send({'type': 'http.response.start', 'status': 500, 'headers': headers})
    await send({'type': 'http.response.body', 'body': body})


def _log_request(method: str, url: str, status: int, started: float, address: str) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    log.info(
        '%s %s %s %.1fms from %s',
        method,
        url,
        status,
        duration_ms,
        address,
        extra={'http_method': method, 'http_path': url, 'http_status': status, 'duration_ms': duration_ms},
    )
