"""The connection-status banner (all client-side: it follows the browser's own socket)."""

from __future__ import annotations

from nicegui import ui


class ConnectionStatus(ui.element, component='connection_status.js'):
    pass
