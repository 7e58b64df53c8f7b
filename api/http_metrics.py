"""ASGI middleware counting HTTP requests into `chat_http_requests_total{route,status}`.

The route label is the matched route's template (`/w/{slug}/c/{channel}`), never the raw path, so ids in URLs
cannot grow the number of series; a request no route matched is `unmatched`. Websockets are not counted.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from state import metrics

UNMATCHED = 'unmatched'
_children: dict[tuple[str, int], Counter] = {}


def route_label(scope: Scope) -> str:
    """The template of the route the router matched (it writes the route into the shared scope)."""
    route: Any = scope.get('route')
    path = getattr(route, 'path', None)
    return path if isinstance(path, str) and path else UNMATCHED


def count(route: str, status: int) -> None:
    child = _children.get((route, status))
    if child is None:
        child = _children[(route, status)] = metrics.http_requests.labels(route, str(status))
    child.inc()


class RequestMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        status = 500  # what the client gets when the app raises before answering

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message['type'] == 'http.response.start':
                status = int(message['status'])
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            count(route_label(scope), status)
