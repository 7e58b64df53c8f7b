"""A live server for the Socket Mode tests: uvicorn in a thread with the Web API and the Socket Mode route.

The official Slack clients need a real TCP WebSocket, which NiceGUI's in-process test client does not give;
this app carries exactly the two routes they use (the same functions `api.slack.register()` mounts), and the
test calls `socket_hub.deliver` on the server's loop through `Live.run`. tests/test_socket_mode_server.py
checks the real server's wiring (route, shutdown) in a subprocess.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

from api.slack.ids import app_sid, channel_sid, team_sid, ts_of, user_sid
from api.slack.methods import load as load_methods
from api.slack.routes import web_api
from api.slack.socket_mode.connections_open import SOCKET_PATH
from api.slack.socket_mode.endpoint import socket_mode_endpoint
from api.slack.socket_mode.hub import socket_hub
from api.slack.socket_mode.tickets import tickets
from db.api_queries import message_ts_us
from db.models import ChannelKind
from state.bus import bus

T = TypeVar('T')


@dataclass(frozen=True)
class Live:
    url: str  # http://127.0.0.1:port
    loop: asyncio.AbstractEventLoop

    @property
    def api_url(self) -> str:
        return self.url + '/api/'

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 15.0) -> T:
        """Run a coroutine on the server's loop (the hub lives there) and wait for its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def later(self, work: Coroutine[Any, Any, T]) -> Awaitable[T]:
        """The same, awaitable from another event loop (the async clients' tests)."""
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server() -> Iterator[Live]:
    load_methods()
    loops: list[asyncio.AbstractEventLoop] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await bus.start()
        loops.append(asyncio.get_running_loop())
        yield
        await socket_hub.close_all('warning', 1.0)
        await bus.stop()

    app = FastAPI(lifespan=lifespan)
    app.add_api_route('/api/{method_name}', web_api, methods=['GET', 'POST'])
    app.add_api_websocket_route(SOCKET_PATH + '/{ticket}', socket_mode_endpoint)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host='127.0.0.1', port=port, log_level='warning', lifespan='on'))
    thread = threading.Thread(target=server.run, name='socket-mode-test-server', daemon=True)
    thread.start()
    wait_until(lambda: server.started, 'the test server to start')
    try:
        yield Live(f'http://127.0.0.1:{port}', loops[0])
    finally:
        server.should_exit = True
        thread.join(15)
        tickets.clear()


def wait_until(condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f'timed out waiting for {what}')
        time.sleep(0.02)


def app_mention(app_id: int, workspace_id: int, user_id: int, channel_id: int, message_id: int) -> dict[str, Any]:
    """An `events_api` payload as Slack sends it for an @-mention of the app's bot."""
    ts = ts_of(message_ts_us(message_id))
    return {
        'token': '',
        'team_id': team_sid(workspace_id),
        'api_app_id': app_sid(app_id),
        'type': 'event_callback',
        'event_id': f'Ev{message_id:08d}',
        'event_time': int(time.time()),
        'event': {
            'type': 'app_mention',
            'user': user_sid(user_id),
            'text': 'hello bot',
            'ts': ts,
            'channel': channel_sid(channel_id, ChannelKind.PUBLIC),
            'event_ts': ts,
        },
    }
