"""NiceGUI's session cookie: HttpOnly and SameSite=Lax, and Secure as the `secure_cookies` setting says.

Starlette's SessionMiddleware, which NiceGUI uses, can only set Secure on every response or on none, and
NiceGUI adds it inside `ui.run` as the outermost layer, where no middleware of ours could see its Set-Cookie.
NiceGUI reuses a SessionMiddleware that is already there (`nicegui/storage.py: set_storage_secret`), so we
add it ourselves and wrap it in `SecureSessionCookie`, which adds Secure per request.
"""

from __future__ import annotations

from typing import Literal

from nicegui import app
from starlette.datastructures import Headers
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SecureCookies = Literal['auto', 'always', 'never']
SESSION_COOKIE = 'session'  # Starlette's default name, which NiceGUI keeps


def came_over_https(scope: Scope) -> bool:
    """HTTPS to us, or to the proxy in front (the first X-Forwarded-Proto value is the outermost proxy's).

    Trusting the header from anyone is safe here: it can only make the sender's own cookie stricter.
    """
    forwarded = Headers(scope=scope).get('x-forwarded-proto', '')
    return scope.get('scheme') == 'https' or forwarded.split(',')[0].strip().lower() == 'https'


class SecureSessionCookie:
    """Adds `Secure` to the session cookie when `mode` asks for it on this request."""

    def __init__(self, app: ASGIApp, mode: SecureCookies) -> None:
        self.app = app
        self.mode = mode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or not self._wants_secure(scope):
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message['type'] == 'http.response.start':
                message = {**message, 'headers': [_with_secure(name, value) for name, value in message['headers']]}
            await send(message)

        await self.app(scope, receive, send_secure)

    def _wants_secure(self, scope: Scope) -> bool:
        return self.mode == 'always' or (self.mode == 'auto' and came_over_https(scope))


def _with_secure(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    if name.lower() == b'set-cookie' and value.startswith(SESSION_COOKIE.encode() + b'='):
        attributes = {part.strip().lower() for part in value.split(b';')[1:]}
        if b'secure' not in attributes:
            value += b'; secure'
    return name, value


def install(storage_secret: str, mode: SecureCookies) -> None:
    """Add the session middleware (HttpOnly is Starlette's constant) and the Secure rule around it."""
    app.add_middleware(SessionMiddleware, secret_key=storage_secret, session_cookie=SESSION_COOKIE, same_site='lax')
    app.add_middleware(SecureSessionCookie, mode=mode)
