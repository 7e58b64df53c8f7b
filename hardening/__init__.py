"""Defences around NiceGUI's HTTP and socket.io layers: headers, origins, cookies, file modes, socket events.

`server.py` calls `install()` once before `ui.run`; none of these modules knows about chat features.
"""

from __future__ import annotations

from nicegui import app, core

from hardening import origin
from hardening.headers import SecurityHeadersMiddleware


def install() -> None:
    """Wire every defence into NiceGUI's app and socket.io server."""
    app.add_middleware(SecurityHeadersMiddleware)
    origin.install(core.sio)
