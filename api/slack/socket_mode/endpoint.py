"""The Socket Mode WebSocket: redeem the ticket, then the hub runs the connection.

No origin check here, unlike NiceGUI's socket.io (hardening/origin.py): no cookie authenticates this socket,
only the single-use ticket in its URL, so a web page elsewhere gains nothing by opening one.
"""

from __future__ import annotations

from starlette.websockets import WebSocket

from api.slack.socket_mode.hub import REFUSED, socket_hub
from api.slack.socket_mode.tickets import tickets


async def socket_mode_endpoint(websocket: WebSocket) -> None:
    app = tickets.redeem(str(websocket.path_params.get('ticket', '')))
    if app is None:
        await websocket.close(code=REFUSED)  # forged, used or expired: the handshake gets 403
        return
    await socket_hub.serve(websocket, app)
