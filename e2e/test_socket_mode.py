"""Socket Mode on the real server process: the route is mounted beside NiceGUI's own socket, slack_sdk's client
gets `hello`, and SIGTERM sends `disconnect` (reason `warning`) before uvicorn closes the sockets.

No browser: what an app does with its events shows in the chat like any bot's message (tests/ cover that with
Bolt); here only the server's wiring, which the in-process tests cannot see, is checked.
"""

from __future__ import annotations

import json
import queue
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.web import WebClient
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from e2e.chat_helpers import create_user, unique_workspace
from e2e.conftest import started


def _app_token(output: str) -> str:
    values = dict(line.split('=', 1) for line in output.splitlines() if '=' in line)
    return values['app_token']


def test_the_real_server_says_hello_and_disconnect_before_it_stops(tmp_path: Path) -> None:
    with started(tmp_path / 'data') as server:
        workspace = unique_workspace()
        create_user(server, 'Ada', workspace)
        token = _app_token(server.run('create-app', '--workspace', workspace, '--name', 'Fw', '--socket-mode'))
        api = server.url + '/api/'

        client = SocketModeClient(token, web_client=WebClient(base_url=api), auto_reconnect_enabled=False)
        messages: queue.Queue[dict[str, Any]] = queue.Queue()
        client.message_listeners.append(lambda _c, message, _raw: messages.put(message))
        client.connect()
        try:
            assert messages.get(timeout=10)['type'] == 'hello'
        finally:
            client.close()

        url = httpx.post(api + 'apps.connections.open', headers={'Authorization': f'Bearer {token}'}).json()['url']
        assert url.startswith(server.url.replace('http://', 'ws://') + '/socket-mode/')
        with pytest.raises(InvalidStatus):
            connect(url.rsplit('/', 1)[0] + '/forged-ticket', open_timeout=10)
        with connect(url, open_timeout=10) as ws:
            assert json.loads(ws.recv(timeout=10))['type'] == 'hello'
            assert server.proc is not None
            server.proc.terminate()  # SIGTERM, as a restart does
            notice = json.loads(ws.recv(timeout=10))
            assert (notice['type'], notice['reason']) == ('disconnect', 'warning')
            with pytest.raises(ConnectionClosed):
                ws.recv(timeout=10)
        # It stops by itself: uvicorn shuts down gracefully, then re-raises SIGTERM with the default handler.
        assert server.proc.wait(15) in (0, -signal.SIGTERM)
