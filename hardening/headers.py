"""Security headers on every HTTP response (pages, API, files, NiceGUI's own assets), as one ASGI middleware.

A route that sets one of these headers itself keeps its own value: file downloads send a stricter, sandboxing
Content-Security-Policy and `Referrer-Policy: no-referrer` (`api/files.py`).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What NiceGUI 3.18's pages need, and no more:
# - inline <script> blocks in its page template (the element tree, the import map) -> 'unsafe-inline';
# - Vue compiles component templates at run time, and NiceGUI evaluates props, handlers and run_javascript
#   with eval/new Function -> 'unsafe-eval';
# - Quasar and NiceGUI write inline <style> blocks and style attributes -> style 'unsafe-inline';
# - the emoji favicon is an SVG data: URL, image previews may be blob: URLs;
# - the websocket goes to the page's own host ('self' covers same-host ws:/wss: in CSP Level 3 browsers).
CONTENT_SECURITY_POLICY = '; '.join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
}

_ENCODED = [(name.lower().encode('latin-1'), value.encode('latin-1')) for name, value in SECURITY_HEADERS.items()]


class SecurityHeadersMiddleware:
    """Adds `SECURITY_HEADERS` to each HTTP response that does not carry them already."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message['type'] == 'http.response.start':
                headers = list(message.get('headers', []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in _ENCODED if name not in present)
                message = {**message, 'headers': headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
