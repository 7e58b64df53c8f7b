"""The benchmark's emulated tabs keep their sockets the way a browser does (bench/sio_wire.py, bench/tabs/).

The first full benchmark run lost most deliveries because the tabs' socket reader stopped at uvicorn's first
websocket ping; these tests hold the fixes in place: pings are answered, and a tab whose socket drops
reconnects (or reloads its page when the server no longer knows it) and receives again.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path

import aiohttp
import pytest

from bench import marker
from bench.procs import Server, free_port
from bench.sio_wire import WireSocket
from bench.tabs.base import Tab, TabSpec
from bench.tabs.floor_tab import FloorTab
from bench.tabs.nicegui_tab import NaiveTab
from bench.tabs.ours_tab import delivered_deltas


def floor_server(port: int, log: Path) -> Server:
    args = [sys.executable, '-m', 'bench.targets.floor_server', '--port', str(port), '--ws-ping-interval', '0.2']
    return Server('floor', args, log)


def naive_server(port: int, log: Path) -> Server:
    args = [sys.executable, '-m', 'bench.targets.naive_app', '--port', str(port), '--rooms', '1', '--history', '0']
    return Server('naive', args, log, env={'NICEGUI_STORAGE_PATH': str(log.parent / 'nicegui')})


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def floor(port: int, tmp_path: Path) -> Iterator[Server]:
    server = floor_server(port, tmp_path / 'floor.log')
    server.start()
    server.wait_http(f'http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling')
    yield server
    server.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client_session:
        yield client_session


async def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'condition not reached in time'
        await asyncio.sleep(0.05)


class Recorder:
    """Frames and connection notices of the tabs under test."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.notices: list[str] = []

    def frame(self, _tab: Tab, raw: str) -> None:
        self.frames.append(raw)

    def notice(self, _tab: Tab, what: str) -> None:
        self.notices.append(what)

    def saw(self, text: str) -> bool:
        return any(text in raw for raw in self.frames)


async def test_socket_answers_websocket_pings_and_keeps_receiving(
    floor: Server, port: int, session: aiohttp.ClientSession
) -> None:
    frames: list[str] = []
    socket = WireSocket(session, frames.append)
    await socket.connect(f'http://127.0.0.1:{port}', 'socket.io', {'room': 'r'})
    await asyncio.sleep(1.5)  # several of uvicorn's websocket pings (every 0.2 s here)
    assert socket.connected, socket.close_reason
    await socket.call('send', {'room': 'r', 'user': '1', 'text': 'after the pings'})
    await wait_until(lambda: any('after the pings' in raw for raw in frames))
    await socket.close()


async def test_floor_tab_reconnects_after_the_server_restarts(
    floor: Server, port: int, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    recorder = Recorder()
    tab = FloorTab(TabSpec(0, 'r', f'http://127.0.0.1:{port}', user='1'), session, recorder.frame, recorder.notice)
    await tab.open()
    floor.stop()
    await wait_until(lambda: any(n.startswith('drop: ') for n in recorder.notices))
    again = floor_server(port, tmp_path / 'floor-again.log')
    again.start()
    try:
        await wait_until(lambda: 'reconnect' in recorder.notices)
        await tab.send('back again')
        await wait_until(lambda: recorder.saw('back again'))
    finally:
        await tab.close()
        again.stop()


async def test_nicegui_tab_reloads_when_the_server_forgot_its_client(
    port: int, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    server = naive_server(port, tmp_path / 'naive.log')
    server.start()
    server.wait_http(f'http://127.0.0.1:{port}/healthz')
    recorder = Recorder()
    url = f'http://127.0.0.1:{port}/room/0?user=u1'
    tab = NaiveTab(TabSpec(0, '0', url, user='1'), session, recorder.frame, recorder.notice)
    restarted: Server | None = None
    try:
        await tab.open()
        first_client = tab.client_id
        server.stop()  # a new process knows no clients: the reconnect is refused and nicegui.js reloads
        restarted = naive_server(port, tmp_path / 'naive-again.log')
        restarted.start()
        await wait_until(lambda: 'reload' in recorder.notices, timeout=60)
        assert tab.client_id != first_client
        text = marker.make_text(marker.make_key(1, 0, 1), marker.now_us())  # NiceGUI tabs pass on marked frames
        await tab.send(text)
        await wait_until(lambda: recorder.saw(text))
    finally:
        await tab.close()
        server.stop()
        if restarted is not None:
            restarted.stop()


def test_our_tabs_count_committed_deltas_not_the_optimistic_echo_in_a_batched_frame() -> None:
    echo, committed = marker.make_text('p1w0n1', marker.now_us()), marker.make_text('p1w0n2', marker.now_us())

    def frame(*deltas: Mapping[str, object]) -> str:  # as components/client_calls.py writes them
        args = [json.dumps([[d]], separators=(',', ':')) for d in deltas]
        calls = [f'try{{runMethod(7,"applyDeltas",{a})}}catch(e){{console.error(e)}}' for a in args]
        return '42' + json.dumps(['run_javascript', {'code': ';'.join(calls)}])

    pending = {'op': 'pending', 'client_msg_id': 'c1', 'body': echo}
    appended = {'op': 'append', 'message': {'html': committed}}
    assert marker.find(delivered_deltas(frame(pending)), 1) == {}
    assert set(marker.find(delivered_deltas(frame(pending, appended)), 1)) == {'p1w0n2'}
    badge = '42' + json.dumps(['run_javascript', {'code': f'runMethod(9,"notify",["{echo}"])'}])
    assert delivered_deltas(badge) == ''
