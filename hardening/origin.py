"""socket.io takes browsers only from the site's own origin (NiceGUI 3.18 allows every origin: `'*'`).

A page on another site could otherwise open a socket to us with the visitor's cookies (cross-site WebSocket
hijacking). The Origin's host and port must equal the request's `Host`; a request without an Origin header
does not come from a web page (browsers always send one on WebSocket and cross-origin requests) and passes.
Behind a reverse proxy the proxy must forward the public `Host` (nginx: `proxy_set_header Host $host`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import socketio

DEFAULT_PORTS = {'http': 80, 'https': 443}


def is_same_origin(origin: str | None, environ: dict[str, Any]) -> bool:
    """engine.io's `cors_allowed_origins` callable: may a socket opened by `origin` connect?"""
    if not origin:
        return True
    parts = urlsplit(origin)
    default_port = DEFAULT_PORTS.get(parts.scheme)
    host = urlsplit('//' + environ.get('HTTP_HOST', ''))
    try:
        return (
            bool(parts.hostname)
            and parts.hostname == host.hostname
            and (parts.port or default_port) == (host.port or default_port)
        )
    except ValueError:  # a port that is not a number
        return False


def install(sio: socketio.AsyncServer) -> None:
    """Replace NiceGUI's `cors_allowed_origins='*'` with the same-origin rule."""
    sio.eio.cors_allowed_origins = is_same_origin
