"""History figures of our app at scale: a 100k-message channel inside a 1M-message database.

1. Build the database (bench/targets/history_build.py) and time db/paging.py's channel queries and the
   search action (a rare word, a common word, a phrase, in:#channel, a typed-on prefix, from:) directly.
2. Cold start: `python main.py` on that database, process start to the first 200 of a page (/login).
3. Channel open as a user feels it: page GET, socket connect, until the message list's `reset` delta with
   the newest 50 messages arrives. Repeated with a fresh page each time.
4. Scroll-back as a user feels it: the list asks for older messages (its `load-older` event, at random
   depths), until the `prepend` delta arrives.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.procs import ROOT, Server, clean_env, free_port
from bench.stats import summarize
from bench.tabs.base import TabSpec
from bench.tabs.ours_tab import OursTab
from bench.targets.ours import server_env


class HistoryTab(OursTab):
    """Hands every message-list delta to a queue, so a test can wait for the one it asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deltas: asyncio.Queue[str] = asyncio.Queue()

    def _on_frame(self, raw: str) -> None:
        super()._on_frame(raw)
        if 'applyDeltas' in raw:
            self.deltas.put_nowait(raw)

    async def wait_for(self, op: str, timeout: float = 30.0) -> str:
        needle = f'op\\":\\"{op}'
        deadline = time.monotonic() + timeout
        while True:
            raw = await asyncio.wait_for(self.deltas.get(), max(0.01, deadline - time.monotonic()))
            if needle in raw:
                return raw

    def message_list(self) -> tuple[int, dict[str, Any]]:
        for element_id, element in self.elements.items():
            if any(event.get('type') == 'loadOlder' for event in element.get('events', [])):
                return int(element_id), element
        raise RuntimeError('no message list on the page')


async def _page_figures(url: str, spec: TabSpec, opens: int, pages: int, oldest: int, newest: int) -> dict[str, Any]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        tab = HistoryTab(spec, session, lambda _tab, _raw: None)
        await tab.prepare()
        open_ms: list[float] = []
        for _ in range(opens):
            started = time.monotonic()
            await tab.open()
            await tab.wait_for('reset')
            open_ms.append((time.monotonic() - started) * 1000)
            await tab.close()
        await tab.open()
        await tab.wait_for('reset')
        rng = random.Random(5)
        scroll_ms: list[float] = []
        list_element = tab.message_list()
        for _ in range(pages):
            before = rng.randint(oldest + 100, newest)
            started = time.monotonic()
            await tab.fire(*list_element, 'load-older', {'before_id': before})
            await tab.wait_for('prepend')
            scroll_ms.append((time.monotonic() - started) * 1000)
        await tab.close()
    return {'channel_open_ms': summarize(open_ms), 'scroll_back_page_ms': summarize(scroll_ms)}


def run_history(workdir: Path, total: int, channel_messages: int, opens: int, pages: int, log: Any) -> dict[str, Any]:
    workdir = workdir / 'history'
    shutil.rmtree(workdir, ignore_errors=True)
    data_dir = workdir / 'data'
    data_dir.mkdir(parents=True)
    port = free_port()
    env = server_env(data_dir, port)
    out = workdir / 'history.json'
    log(f'[history] building {total:,} messages ({channel_messages:,} in one channel)')
    command = [sys.executable, '-m', 'bench.targets.history_build', '--total', str(total)]
    command += ['--channel', str(channel_messages), '--out', str(out)]
    done = subprocess.run(command, cwd=ROOT, env=clean_env(env), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f'building the history failed:\n{done.stderr[-3000:]}')
    built = json.loads(out.read_text())
    result: dict[str, Any] = {
        'messages': built['messages'],
        'channel_messages': built['channel_messages'],
        'build_s': built['build_s'],
        'db_size_mb': round((data_dir / 'chat.db').stat().st_size / 2**20, 1),
        'queries': built['queries'],
        'search': built.get('search', {}),
    }
    log(f'[history] built in {built["build_s"]} s; latest 50: p99 {built["queries"]["latest_50_ms"]["p99"]} ms')
    for name, figure in result['search'].items():
        log(f'[history] search {name} ({figure["query"]}): p50 {figure["p50"]} ms, p99 {figure["p99"]} ms')
    server = Server('history', [sys.executable, 'main.py'], workdir / 'server.log', env=env)
    server.start()
    try:
        result['cold_start_s'] = round(server.wait_http(f'http://127.0.0.1:{port}/login'), 3)
        log(f'[history] cold start to the first page: {result["cold_start_s"]} s')
        url = f'http://127.0.0.1:{port}/w/{built["slug"]}/c/{built["channel"]}'
        spec = TabSpec(index=0, room=str(built['channel']), url=url, user=built['reader'], secret=built['password'])
        queries = built['queries']
        result |= asyncio.run(_page_figures(url, spec, opens, pages, queries['oldest_id'], queries['newest_id']))
        log(
            f'[history] channel open p95 {result["channel_open_ms"]["p95"]} ms, '
            f'scroll-back page p99 {result["scroll_back_page_ms"]["p99"]} ms'
        )
    finally:
        server.stop()
    return result
