"""Defences around NiceGUI's HTTP and socket.io layers: headers, origins, cookies, file modes, socket events.

`server.py` calls `install()` once before `ui.run`; none of these modules knows about chat features. The logging
set-up (`log_setup.py`, `log_context.py`, `access_log.py`, `redaction.py`) lives here too, below `state/`, so the
HTTP middleware and the bus can share one log context.
"""

from __future__ import annotations

from nicegui import app, core
from nicegui.storage import Storage

from hardening import cookies, file_modes, origin, socket_events
from hardening.headers import SecurityHeadersMiddleware
from settings import Settings


def install(settings: Settings) -> None:
    """Wire every defence into NiceGUI's app and socket.io server (before `ui.run`, which starts the app)."""
    file_modes.restrict(settings.data_dir, Storage.path)  # first: the storage secret is read (or made) below
    app.add_middleware(SecurityHeadersMiddleware)
    # Added after the headers, so outside them: the last middleware added is the outermost.
    cookies.install(settings.resolved_storage_secret(), settings.secure_cookies)
    origin.install(core.sio)
    socket_events.install(core.sio)
