"""Slack-compatible Web API (`/api/{method}`): existing Slack bots and SDKs work against this server.

Layout: `routes.py` (the HTTP route and envelope), `request_args.py` (token and arguments from query, form or
JSON), `registry.py` (method table), `methods/` (one module per Slack family, calling state/actions and db
read queries only), `lookup.py` (ids -> things the caller may see), `shapes.py` (JSON like Slack's),
`ids.py` (id and ts encoding), `cursors.py` (pagination), `errors.py` (ActionError -> Slack error codes),
`socket_mode/` (Socket Mode: `apps.connections.open`, the WebSocket, `socket_hub.deliver`).
"""

from __future__ import annotations


def register() -> None:
    from api.slack import methods, routes, socket_mode

    methods.load()
    routes.register()
    socket_mode.register()
