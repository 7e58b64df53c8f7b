"""Calling methods of our browser-side components cheaply.

`Element.run_method` creates an awaitable and a background task per call; a chat fans one event out to
every viewing tab, so deltas instead go straight into the client's outbox as JavaScript that calls
`runMethod`, with arguments that are JSON data (json.dumps), never code built from user input.

Calls for one tab made in the same turn of the event loop (a new message appends to the list and moves the
sidebar's badge) travel as one socket message: each message costs the server a socket.io packet, an engine.io
frame and a websocket write per tab.
"""

from __future__ import annotations

import asyncio
import json

from nicegui import ui
from nicegui.client import Client

from seams.nicegui_internals import enqueue_javascript

_pending: dict[str, tuple[Client, list[str]]] = {}  # client id -> the calls waiting for the end of this turn


def call_method(element: ui.element, method: str, *args: object) -> None:
    call_method_json(element, method, json.dumps(list(args), separators=(',', ':')))


def call_method_json(element: ui.element, method: str, payload: str) -> None:
    """`call_method` with the arguments already serialized as a JSON array (once for all tabs of an event)."""
    client = element.client
    if client.is_deleted or element.is_deleted:
        return
    # Each call on its own: one failing in the browser must not stop the others of its batch.
    call = f'try{{runMethod({element.id},{json.dumps(method)},{payload})}}catch(e){{console.error(e)}}'
    waiting = _pending.get(client.id)
    if waiting is not None:
        waiting[1].append(call)
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop (a script or a unit test): send it on its own
        _enqueue(client, [call])
        return
    _pending[client.id] = (client, [call])
    loop.call_soon(_flush, client.id)


def _flush(client_id: str) -> None:
    client, calls = _pending.pop(client_id, (None, []))
    if client is not None and calls and not client.is_deleted:
        _enqueue(client, calls)


def _enqueue(client: Client, calls: list[str]) -> None:
    enqueue_javascript(client, ';'.join(calls))
