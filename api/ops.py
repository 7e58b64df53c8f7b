"""Operator routes: `/metrics` (Prometheus) and `/readyz` (readiness). Plain routes: they create no UI client.

`/metrics` answers a loopback client that came directly (no proxy's forwarding headers: behind a local proxy
every client would look like loopback), or anyone with `Authorization: Bearer $CHAT_METRICS_TOKEN` when that is
set. Anyone else gets 404 without a token configured (the route does not exist for them) and 401 with one.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from nicegui import app
from prometheus_client import CONTENT_TYPE_LATEST

from api.slack.request_args import bearer_token
from settings import get_settings
from state import metrics
from state.readiness import not_ready

FORWARDING_HEADERS = ('forwarded', 'x-forwarded-for', 'x-real-ip')


def register() -> None:
    app.add_api_route('/metrics', metrics_route, methods=['GET'], include_in_schema=False)
    app.add_api_route('/readyz', readyz_route, methods=['GET'], include_in_schema=False)


async def metrics_route(request: Request) -> Response:
    token = get_settings().metrics_token
    if not is_direct_loopback(request):
        if not token:
            return JSONResponse({'detail': 'Not Found'}, status_code=404)
        if not _token_matches(bearer_token(request.headers.get('authorization', '')), token):
            return JSONResponse({'detail': 'Unauthorized'}, status_code=401, headers={'WWW-Authenticate': 'Bearer'})
    return Response(metrics.scrape(), media_type=CONTENT_TYPE_LATEST, headers={'Cache-Control': 'no-store'})


async def readyz_route() -> JSONResponse:
    failing = await not_ready()
    if failing:
        return JSONResponse({'status': 'not ready', 'failing': failing}, status_code=503)
    return JSONResponse({'status': 'ready'})


def is_direct_loopback(request: Request) -> bool:
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    host = request.client.host if request.client is not None else ''
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _token_matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
