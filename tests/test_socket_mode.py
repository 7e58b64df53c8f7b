"""Socket Mode against a live server: apps.connections.open, hello, deliver and acks, disconnect, refusals.

The clients are slack_sdk's own (unmodified) where they show what a real app sees, and a bare `websockets`
client where the test must see the protocol's messages themselves (a `disconnect`, a refused handshake).
"""

from __future__ import annotations

import asyncio
import json
import queue
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from fastapi import FastAPI
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web import WebClient

from api.slack.ids import app_sid
from api.slack.socket_mode import connection as connection_module
from api.slack.socket_mode import exit_signal
from api.slack.socket_mode import hub as hub_module
from api.slack.socket_mode.connections_open import socket_url
from api.slack.socket_mode.hub import Ack, socket_hub
from api.slack.socket_mode.tickets import TicketBook
from settings import reset_settings_cache
from state.actions.apps import AppSummary, NewApp, create_app, set_app_disabled
from tests.factories import World
from tests.socket_mode_support import Live, live_server, wait_until

PAYLOAD = {'type': 'event_callback', 'event': {'type': 'app_mention', 'text': 'hi'}}


@pytest.fixture
def live(db: None) -> Iterator[Live]:
    with live_server() as server:
        yield server


@pytest.fixture
def made(world: World) -> NewApp:
    return create_app(world.ada, world.workspace, 'Firewalled', socket_mode=True)


def app_token(made: NewApp) -> str:
    assert made.app_token is not None
    return made.app_token


def open_url(live: Live, token: str | None) -> dict[str, Any]:
    headers = {'Authorization': f'Bearer {token}'} if token else {}
    return dict(httpx.post(live.api_url + 'apps.connections.open', headers=headers, timeout=10).json())


class Recorder:
    """A builtin SocketModeClient's listeners: every message, and the requests (acked unless told not to)."""

    def __init__(self, client: SocketModeClient, *, ack: bool = True, answer: dict[str, Any] | None = None) -> None:
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.requests: queue.Queue[SocketModeRequest] = queue.Queue()
        self.ack, self.answer = ack, answer
        client.message_listeners.append(lambda _client, message, _raw: self.messages.put(message))
        client.socket_mode_request_listeners.append(self._on_request)

    def _on_request(self, client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        self.requests.put(request)
        if self.ack:
            client.send_socket_mode_response(SocketModeResponse(request.envelope_id, self.answer))

    def next_of_type(self, kind: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            if message.get('type') == kind:
                return message


def builtin_client(live: Live, made: NewApp) -> SocketModeClient:
    return SocketModeClient(app_token(made), web_client=WebClient(base_url=live.api_url), auto_reconnect_enabled=False)


def test_open_answers_a_one_time_ws_url_only_for_an_app_token(live: Live, made: NewApp, world: World) -> None:
    answer = open_url(live, app_token(made))
    assert answer['ok'] is True
    assert answer['url'].startswith(live.url.replace('http://', 'ws://') + '/socket-mode/')
    assert open_url(live, app_token(made))['url'] != answer['url']
    assert open_url(live, made.bot_token) == {'ok': False, 'error': 'not_allowed_token_type'}
    assert open_url(live, 'xapp-forged') == {'ok': False, 'error': 'invalid_auth'}
    assert open_url(live, None) == {'ok': False, 'error': 'not_authed'}
    posted = httpx.post(
        live.api_url + 'chat.postMessage',
        headers={'Authorization': f'Bearer {app_token(made)}'},
        data={'channel': 'C00000001', 'text': 'hi'},
        timeout=10,
    ).json()
    assert posted == {'ok': False, 'error': 'not_allowed_token_type'}  # an app token is not a bot token
    set_app_disabled(world.ada, made.id, True)
    assert open_url(live, app_token(made)) == {'ok': False, 'error': 'invalid_auth'}


def test_the_url_follows_the_public_url_and_the_request_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    assert socket_url('https://chat.example.test/', 't1') == 'wss://chat.example.test/socket-mode/t1'
    assert socket_url('http://10.0.0.5:8080/', 't2') == 'ws://10.0.0.5:8080/socket-mode/t2'
    monkeypatch.setenv('CHAT_PUBLIC_URL', 'https://chat.example.test/team/')
    reset_settings_cache()
    assert socket_url('http://127.0.0.1:8080/', 't3') == 'wss://chat.example.test/team/socket-mode/t3'


def test_tickets_work_once_and_expire() -> None:
    now = [0.0]
    book = TicketBook(seconds=30, clock=lambda: now[0])
    app = AppSummary(1, 1, 'x', 2, '', True, (), False)
    first, second = book.issue(app), book.issue(app)
    assert book.redeem(first) == app and book.redeem(first) is None  # single use
    now[0] = 31.0
    assert book.redeem(second) is None  # expired
    assert book.redeem('forged') is None and book.redeem('x' * 5000) is None
    for _ in range(50):
        book.issue(app)
    assert len(book) == 10  # an app holds at most ten unused tickets


def test_hello_then_an_event_reaches_the_builtin_client_and_its_ack_returns(live: Live, made: NewApp) -> None:
    client = builtin_client(live, made)
    seen = Recorder(client)
    client.connect()
    try:
        hello = seen.next_of_type('hello')
        assert hello['connection_info'] == {'app_id': app_sid(made.id)} and hello['num_connections'] == 1
        assert set(hello['debug_info']) == {'host', 'build_number', 'approximate_connection_time'}
        wait_until(lambda: made.id in socket_hub.connected_app_ids(), 'the hub to list the app')
        ack = live.run(socket_hub.deliver(made.id, 'events_api', PAYLOAD, retry_attempt=1, retry_reason='timeout'))
        assert ack == Ack({})
        request = seen.requests.get(timeout=5)
        assert (request.type, request.payload, request.retry_attempt, request.retry_reason) == (
            'events_api',
            PAYLOAD,
            1,
            'timeout',
        )
    finally:
        client.close()


def test_a_slash_command_ack_carries_the_immediate_answer(live: Live, made: NewApp) -> None:
    client = builtin_client(live, made)
    seen = Recorder(client, answer={'text': 'Deployed :rocket:'})
    client.connect()
    try:
        seen.next_of_type('hello')
        command = {'command': '/deploy', 'text': 'now', 'user_id': 'U00000001'}
        ack = live.run(socket_hub.deliver(made.id, 'slash_commands', command, accepts_response_payload=True))
        assert ack == Ack({'text': 'Deployed :rocket:'})
        assert seen.requests.get(timeout=5).accepts_response_payload is True
    finally:
        client.close()


def test_no_ack_means_none_within_the_timeout(live: Live, made: NewApp) -> None:
    client = builtin_client(live, made)
    seen = Recorder(client, ack=False)
    client.connect()
    try:
        seen.next_of_type('hello')
        started = time.monotonic()
        assert live.run(socket_hub.deliver(made.id, 'events_api', PAYLOAD, timeout=0.5)) is None
        assert time.monotonic() - started < 3
        assert seen.requests.get(timeout=5).payload == PAYLOAD  # it arrived; it was just not acknowledged
    finally:
        client.close()


def test_nobody_connected_is_none_and_a_reconnected_client_gets_the_next_envelope(live: Live, made: NewApp) -> None:
    assert live.run(socket_hub.deliver(made.id, 'events_api', PAYLOAD)) is None
    first = builtin_client(live, made)
    seen_first = Recorder(first)
    first.connect()
    seen_first.next_of_type('hello')
    first.close()
    wait_until(lambda: made.id not in socket_hub.connected_app_ids(), 'the hub to drop the closed connection')
    assert live.run(socket_hub.deliver(made.id, 'events_api', PAYLOAD)) is None
    second = builtin_client(live, made)
    seen_second = Recorder(second)
    second.connect()
    try:
        seen_second.next_of_type('hello')
        assert live.run(socket_hub.deliver(made.id, 'events_api', {'n': 2})) == Ack({})
        assert seen_second.requests.get(timeout=5).payload == {'n': 2}
    finally:
        second.close()


async def _raw_connect(live: Live, made: NewApp) -> websockets.ClientConnection:
    answer = await asyncio.to_thread(open_url, live, app_token(made))
    return await websockets.connect(answer['url'])


async def _next_json(ws: websockets.ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), 10)))


async def test_shutdown_says_disconnect_and_the_builtin_client_comes_back(live: Live, made: NewApp) -> None:
    ws = await _raw_connect(live, made)
    assert (await _next_json(ws))['type'] == 'hello'
    client = builtin_client(live, made)
    client.auto_reconnect_enabled = True
    seen = Recorder(client)
    await asyncio.to_thread(client.connect)
    try:
        await asyncio.to_thread(seen.next_of_type, 'hello')
        await live.later(socket_hub.close_all('warning'))
        notice = await _next_json(ws)
        assert notice['type'] == 'disconnect' and notice['reason'] == 'warning' and 'host' in notice['debug_info']
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        await asyncio.to_thread(seen.next_of_type, 'hello')  # the SDK heard `disconnect` and opened a new one
        assert await live.later(socket_hub.deliver(made.id, 'events_api', {'after': 'restart'})) == Ack({})
    finally:
        await asyncio.to_thread(client.close)


async def test_disabling_the_app_closes_its_connections(live: Live, made: NewApp, world: World) -> None:
    ws = await _raw_connect(live, made)
    assert (await _next_json(ws))['type'] == 'hello'
    await asyncio.to_thread(set_app_disabled, world.ada, made.id, True)
    notice = await _next_json(ws)
    assert (notice['type'], notice['reason']) == ('disconnect', 'link_disabled')
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 10)
    assert await live.later(socket_hub.deliver(made.id, 'events_api', PAYLOAD)) is None


async def test_forged_and_reused_tickets_are_refused(live: Live, made: NewApp) -> None:
    url = (await asyncio.to_thread(open_url, live, app_token(made)))['url']
    forged = url.rsplit('/', 1)[0] + '/not-a-ticket'
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(forged)
    assert refused.value.response.status_code == 403
    ws = await websockets.connect(url)
    assert (await _next_json(ws))['type'] == 'hello'
    with pytest.raises(websockets.InvalidStatus):
        await websockets.connect(url)  # used once already
    await ws.close()


async def test_pings_are_answered_and_envelopes_spread_over_an_apps_connections(live: Live, made: NewApp) -> None:
    one, two = await _raw_connect(live, made), await _raw_connect(live, made)
    assert (await _next_json(one))['num_connections'] == 1
    assert (await _next_json(two))['num_connections'] == 2
    await asyncio.wait_for(await one.ping(), 10)
    deliveries = [
        asyncio.ensure_future(live.later(socket_hub.deliver(made.id, 'events_api', {'n': n}))) for n in (1, 2)
    ]
    first, second = await _next_json(one), await _next_json(two)  # one envelope each
    for ws, envelope in ((one, first), (two, second)):
        await ws.send(json.dumps({'envelope_id': envelope['envelope_id']}))
    assert await asyncio.gather(*deliveries) == [Ack({}), Ack({})]
    assert sorted([first['payload']['n'], second['payload']['n']]) == [1, 2]
    await one.close()
    await two.close()


async def test_a_client_that_never_acks_cannot_grow_a_queue(
    live: Live, made: NewApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection_module, 'MAX_IN_FLIGHT', 2)
    ws = await _raw_connect(live, made)
    await _next_json(ws)
    waiting = [
        asyncio.ensure_future(live.later(socket_hub.deliver(made.id, 'events_api', {}, timeout=5))) for _ in '12'
    ]
    await _next_json(ws)
    await _next_json(ws)
    assert await live.later(socket_hub.deliver(made.id, 'events_api', {}, timeout=5)) is None  # no room: at once
    await ws.close()
    assert await asyncio.gather(*waiting) == [None, None]  # the connection went: nobody will ack


async def test_the_exit_hook_drains_then_hands_the_signal_to_uvicorn() -> None:
    drained: list[float] = []

    async def drain(timeout: float) -> None:
        drained.append(timeout)

    before = signal.getsignal(signal.SIGINT)
    exit_signal.install(drain)
    assert signal.getsignal(signal.SIGINT) is before  # pytest's own handler: left alone
    server = uvicorn.Server(uvicorn.Config(FastAPI()))
    original = signal.signal(signal.SIGTERM, server.handle_exit)
    try:
        exit_signal.install(drain)
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler) and handler != server.handle_exit
        handler(signal.SIGTERM, None)
        await asyncio.wait_for(_until(lambda: server.should_exit), 5)
        assert drained == [exit_signal.DRAIN_SECONDS]  # the disconnects went out before uvicorn was told
    finally:
        signal.signal(signal.SIGTERM, original)


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.01)


async def test_connections_past_the_limit_are_refused(
    live: Live, made: NewApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, 'MAX_CONNECTIONS_PER_APP', 1)
    ws = await _raw_connect(live, made)
    assert (await _next_json(ws))['type'] == 'hello'
    with pytest.raises(websockets.InvalidStatus) as refused:
        await _raw_connect(live, made)
    assert refused.value.response.status_code == 403
    await ws.close()
