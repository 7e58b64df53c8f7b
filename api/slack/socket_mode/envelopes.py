"""The JSON messages of Slack's Socket Mode protocol, as the server writes them."""

from __future__ import annotations

import socket
from typing import Any

from api.slack.ids import app_sid

BUILD_NUMBER = 1
# Slack asks a client to refresh after about this long (`refresh_requested`); we never do, the number only
# tells clients what to expect (they reconnect on any disconnect anyway).
CONNECTION_SECONDS = 18_060


def server_host() -> str:
    """Which node a client talks to (debug_info.host), useful when a cluster's logs are compared."""
    return f'teamchat-{socket.gethostname()}'


def hello(app_id: int, num_connections: int) -> dict[str, Any]:
    return {
        'type': 'hello',
        'num_connections': num_connections,
        'debug_info': {
            'host': server_host(),
            'build_number': BUILD_NUMBER,
            'approximate_connection_time': CONNECTION_SECONDS,
        },
        'connection_info': {'app_id': app_sid(app_id)},
    }


def disconnect(reason: str) -> dict[str, Any]:
    """Reasons as Slack's: `warning` (the server goes away soon), `refresh_requested`, `link_disabled`."""
    return {'type': 'disconnect', 'reason': reason, 'debug_info': {'host': server_host()}}


def envelope(
    envelope_id: str,
    envelope_type: str,
    payload: dict[str, Any],
    *,
    accepts_response_payload: bool,
    retry_attempt: int,
    retry_reason: str,
) -> dict[str, Any]:
    return {
        'envelope_id': envelope_id,
        'type': envelope_type,
        'payload': payload,
        'accepts_response_payload': accepts_response_payload,
        'retry_attempt': retry_attempt,
        'retry_reason': retry_reason,
    }
