"""NiceGUI's socket handlers take a client's messages only from its own socket, and cap what browsers log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from nicegui import Client, core
from nicegui.testing import User

from hardening.socket_events import LOG_MESSAGE_CAP

OWN_SOCKET, OTHER_SOCKET = 'own-socket', 'other-socket'


@pytest.fixture
async def page(user: User, monkeypatch: pytest.MonkeyPatch) -> Client:
    """An open page whose handshake came over OWN_SOCKET (socket.io's rooms stand in for real sockets)."""
    await user.open('/login')
    client = user.client
    assert client is not None
    monkeypatch.setattr(core.sio, 'rooms', lambda sid, namespace=None: [sid, client.id] if sid == OWN_SOCKET else [sid])
    return client


def _send(name: str, sid: str, msg: dict[str, Any]) -> None:
    core.sio.handlers['/'][name](sid, msg)


@pytest.mark.parametrize('name', ['event', 'javascript_response', 'ack'])
async def test_messages_from_another_socket_are_dropped(
    page: Client, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    delivered: list[dict[str, Any]] = []
    target = {'event': 'handle_event', 'javascript_response': 'handle_javascript_response'}.get(name)
    if target:
        monkeypatch.setattr(page, target, delivered.append)
    else:
        monkeypatch.setattr(page.outbox, 'prune_history', delivered.append)
    msg = {'client_id': page.id, 'id': 0, 'request_id': 'r', 'next_message_id': 7}

    _send(name, OTHER_SOCKET, dict(msg))
    assert delivered == []
    _send(name, OWN_SOCKET, dict(msg))
    assert len(delivered) == 1


async def test_a_browser_log_line_is_capped_and_escaped(page: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger='nicegui'):
        # Words: a long unbroken run of letters would be redacted as a token.
        _send(
            'log', OWN_SOCKET, {'client_id': page.id, 'level': 'warning', 'message': 'x\nFAKE LINE ' + 'y ' * 450_000}
        )
    (record,) = [r for r in caplog.records if 'browser' in r.getMessage()]
    text = record.getMessage()
    assert len(text) < LOG_MESSAGE_CAP + 200
    assert '\n' not in text and 'x\\nFAKE LINE' in text
    assert 'more characters dropped' in text


async def test_log_lines_from_another_socket_or_of_unknown_level_are_dropped(
    page: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger='nicegui'):
        _send('log', OTHER_SOCKET, {'client_id': page.id, 'level': 'warning', 'message': 'forged'})
        _send('log', OWN_SOCKET, {'client_id': page.id, 'level': 'critical', 'message': 'odd level'})
    assert 'forged' not in caplog.text and 'odd level' not in caplog.text
