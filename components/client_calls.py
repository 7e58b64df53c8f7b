"""Calling methods of our browser-side components cheaply.

`Element.run_method` creates an awaitable and a background task per call; a chat fans one event out to
every viewing tab, so deltas instead go straight into the client's outbox as a `runMethod` call whose
arguments are JSON. The arguments are data (json.dumps), never code built from user input.
"""

from __future__ import annotations

import json

from nicegui import ui


def call_method(element: ui.element, method: str, *args: object) -> None:
    client = element.client
    if client.is_deleted or element.is_deleted:
        return
    payload = json.dumps(list(args), separators=(',', ':'))
    code = f'return runMethod({element.id}, {json.dumps(method)}, {payload})'
    client.outbox.enqueue_message('run_javascript', {'code': code}, client.id)
