"""Two gaps in NiceGUI 3.18's socket.io handlers (`nicegui/nicegui.py`), closed without patching NiceGUI.

- `event`, `javascript_response` and `ack` are dispatched by the `client_id` inside the message, whatever
  socket sent it: anyone who learns a page's client id can click its buttons from their own socket. We pass
  a message on only when its socket is in the room NiceGUI's handshake made for that client.
- `log` writes whatever a visitor sends into the server log, at the level they choose, of any size (900 KB
  and newlines that forge log lines were accepted). We keep known levels only, cut the text to
  `LOG_MESSAGE_CAP` characters and escape control characters; the same socket rule applies.

Each passed-on `event` runs in a log scope naming its client (and, through `client_context`, the tab's user and
workspace), and is reported to the `on_client_event` listeners (the connection registry's "last event").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import socketio
from nicegui.logging import log

from hardening import log_context
from seams.nicegui_internals import socket_handler

GUARDED_EVENTS = ('event', 'javascript_response', 'ack')
LOG_MESSAGE_CAP = 1000
LOG_LEVELS = {'debug': logging.DEBUG, 'info': logging.INFO, 'warning': logging.WARNING, 'error': logging.ERROR}

Handler = Callable[[str, Any], Any]
_nicegui_handlers: dict[str, Handler] = {}  # NiceGUI's originals, kept on the first install (the app re-runs in tests)
_listeners: list[Callable[[str], None]] = []  # told the client id of every passed-on browser event
# Who is behind a client id, for the log scope of its events: (user id, workspace slug) or None.
_context_of: list[Callable[[str], tuple[int, str] | None]] = []


def on_client_event(listener: Callable[[str], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def client_context(resolver: Callable[[str], tuple[int, str] | None]) -> None:
    _context_of[:] = [resolver]


def from_own_socket(sio: socketio.AsyncServer, sid: str, msg: Any) -> bool:
    """Did the socket that sent `msg` hand-shake for the client the message names?"""
    client_id = msg.get('client_id') if isinstance(msg, dict) else None
    return isinstance(client_id, str) and client_id in sio.rooms(sid)


def install(sio: socketio.AsyncServer) -> None:
    for name in (*GUARDED_EVENTS, 'log'):
        _nicegui_handlers.setdefault(name, socket_handler(sio, name))
    sio.on('event', _guarded(sio, _in_log_scope(_nicegui_handlers['event'])))
    for name in GUARDED_EVENTS[1:]:
        sio.on(name, _guarded(sio, _nicegui_handlers[name]))
    sio.on('log', _guarded(sio, _log_from_browser))


def _guarded(sio: socketio.AsyncServer, handler: Handler) -> Handler:
    def only_from_own_socket(sid: str, msg: Any) -> Any:
        return handler(sid, msg) if from_own_socket(sio, sid, msg) else None

    return only_from_own_socket


def _in_log_scope(handler: Handler) -> Handler:
    """The handler inside a log scope of the sending client; tasks it starts copy the scope."""

    def in_scope(sid: str, msg: Any) -> Any:
        client_id = msg['client_id']
        for listener in _listeners:
            listener(client_id)
        known = _context_of[0](client_id) if _context_of else None
        user, workspace = known if known is not None else (None, None)
        with log_context.scope(client=client_id, user=user, workspace=workspace, topic=None, event=None):
            return handler(sid, msg)

    return in_scope


def _log_from_browser(_sid: str, msg: dict[str, Any]) -> None:
    level, text = LOG_LEVELS.get(msg.get('level')), msg.get('message')  # type: ignore[arg-type]
    if level is None or not isinstance(text, str):
        return
    shown = text[:LOG_MESSAGE_CAP].encode('unicode_escape').decode('ascii')
    cut = f' [{len(text) - LOG_MESSAGE_CAP} more characters dropped]' if len(text) > LOG_MESSAGE_CAP else ''
    log.log(level, 'browser %s: %s%s', msg['client_id'], shown, cut)
