"""Slack's envelope: HTTP 200 with `ok`, except rate limits (429) and a busy database (503), both with
Retry-After, which Slack's SDKs know to wait for and retry."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

HEADERS = {'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'}


def ok(result: dict[str, Any]) -> JSONResponse:
    return JSONResponse({'ok': True, **result}, headers=HEADERS)


def failed(code: str, detail: str = '', messages: list[str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {'ok': False, 'error': code}
    if detail:
        body['detail'] = detail  # a sentence for people reading logs; clients go by `error`
    if messages:
        body['response_metadata'] = {'messages': messages}
    return JSONResponse(body, headers=HEADERS)


def rate_limited(retry_after: int) -> JSONResponse:
    return JSONResponse(
        {'ok': False, 'error': 'ratelimited'}, status_code=429, headers={**HEADERS, 'Retry-After': str(retry_after)}
    )


def unavailable(retry_after: int = 1) -> JSONResponse:
    return JSONResponse(
        {'ok': False, 'error': 'service_unavailable'},
        status_code=503,
        headers={**HEADERS, 'Retry-After': str(retry_after)},
    )
