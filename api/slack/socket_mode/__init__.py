"""Socket Mode: apps behind a firewall open a WebSocket to us instead of receiving HTTP requests.

`connections_open.py` (`apps.connections.open`: an app-level token gets a one-time URL), `tickets.py` (those
single-use, short-lived tickets, kept per node), `endpoint.py` (the WebSocket route), `hub.py` (`socket_hub`:
the connections, `deliver` of one envelope and its ack), `connection.py` (one socket: bounded outbox and acks),
`envelopes.py` (the protocol's messages), `exit_signal.py` (`disconnect` before a restart). docs/socket-mode.md.
"""

from __future__ import annotations


def register() -> None:
    from nicegui import app

    from api.slack.socket_mode import exit_signal
    from api.slack.socket_mode.connections_open import SOCKET_PATH
    from api.slack.socket_mode.endpoint import socket_mode_endpoint
    from api.slack.socket_mode.hub import socket_hub

    app.add_api_websocket_route(SOCKET_PATH + '/{ticket}', socket_mode_endpoint)

    async def drain(timeout: float) -> None:
        await socket_hub.close_all('warning', timeout)

    app.on_startup(lambda: exit_signal.install(drain))
    app.on_shutdown(lambda: drain(0.5))  # after a stop without a signal (the sockets may be gone by then)
