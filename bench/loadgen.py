"""Load generator worker: a process with an asyncio loop that runs many emulated tabs.

The coordinator (bench/coordinator.py) starts a few of these and drives them with commands over a pipe:
`open` tabs, `run` a phase of sends at a fixed rate (every delivery timed by the marker in its text),
`storm` (every tab reloads at once), `close`, `exit`. Each reply also says how busy the worker itself was,
so a run can tell when the generator, not the server, was the limit.
"""

from __future__ import annotations

import asyncio
import random
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import aiohttp

from bench import marker
from bench.tabs.base import Tab, TabSpec
from bench.tabs.socket_tab import RECOVERY_LIMIT

TAB_KINDS = ('floor', 'naive', 'ours', 'matrix')
FILLER = 'the quick brown fox jumps over the lazy dog ' * 2  # ~90 characters: a typical chat line
MAX_ERRORS = 20


def make_tab(kind: str, spec: TabSpec, session: aiohttp.ClientSession, sink: Any, notice: Any) -> Tab:
    # Imported lazily: each worker only needs its own kind of tab.
    if kind == 'floor':
        from bench.tabs.floor_tab import FloorTab

        return FloorTab(spec, session, sink, notice)
    if kind == 'naive':
        from bench.tabs.nicegui_tab import NaiveTab

        return NaiveTab(spec, session, sink, notice)
    if kind == 'ours':
        from bench.tabs.ours_tab import OursTab

        return OursTab(spec, session, sink, notice)
    if kind == 'matrix':
        from bench.tabs.matrix_tab import MatrixTab

        return MatrixTab(spec, session, sink, notice)
    raise ValueError(kind)


@dataclass
class PhaseRecord:
    phase: int = -1
    latencies_ms: list[float] = field(default_factory=list)
    received_at_us: list[int] = field(default_factory=list)  # wall clock of each delivery, beside its latency
    received: Counter[str] = field(default_factory=Counter)
    # Tabs of a cluster target know their node (spec.extra['node']): (key, receiving node, latency) per delivery,
    # so the coordinator can tell cross-node deliveries from same-node ones by the sender's node.
    node_deliveries: list[tuple[str, str, float]] = field(default_factory=list)
    duplicates: int = 0
    last_delivery: float = 0.0


class LoopLag:
    """How late a 20 ms ticker wakes up: the generator's own event loop saturation."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.samples = []
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            expected = time.monotonic() + 0.02
            await asyncio.sleep(0.02)
            self.samples.append(max(0.0, (time.monotonic() - expected) * 1000))

    def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
        return self.samples


class Worker:
    def __init__(self, worker_id: int, kind: str, conn: Connection) -> None:
        self.worker_id = worker_id
        self.kind = kind
        self.conn = conn
        self.tabs: list[Tab] = []
        self.record = PhaseRecord()
        self.errors: list[str] = []
        self.session: aiohttp.ClientSession | None = None
        self.sessions: dict[str, aiohttp.ClientSession] = {}
        self.acks_ms: dict[str, float] = {}
        self.notices: Counter[str] = Counter()  # connection trouble since the last reply (see Tab.notice)
        self._phase_usage: tuple[float, float, LoopLag] = (0.0, 0.0, LoopLag())

    # ---- plumbing ----------------------------------------------------------------------------------------

    async def serve(self) -> None:
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        self.session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))
        keepalive = asyncio.get_running_loop().create_task(self._keepalive())
        loop = asyncio.get_running_loop()
        try:
            while True:
                command: dict[str, Any] = await loop.run_in_executor(None, self.conn.recv)
                name = command['cmd']
                if name == 'exit':
                    break
                try:
                    reply = await getattr(self, f'cmd_{name}')(command)
                except Exception:
                    reply = {'fatal': traceback.format_exc()}
                self.conn.send(reply)
        finally:
            keepalive.cancel()
            await self.cmd_close({})
            for session in self.sessions.values():
                await session.close()
            await self.session.close()

    def session_for(self, spec: TabSpec) -> aiohttp.ClientSession:
        """One cookie jar per logged-in user, as one browser profile per person; tabs of a user share it."""
        if self.kind != 'ours' or not spec.user:
            assert self.session is not None
            return self.session
        session = self.sessions.get(spec.user)
        if session is None:
            connector = aiohttp.TCPConnector(limit=0)
            session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))
            if spec.extra.get('cookies'):
                session.cookie_jar.update_cookies(dict(_split_cookies(spec.extra['cookies'])))
            self.sessions[spec.user] = session
        return session

    async def _keepalive(self) -> None:
        while True:
            await asyncio.sleep(3.0)
            for tab in list(self.tabs):
                try:
                    await tab.keepalive()
                except Exception as error:  # a broken tab shows up in the phase's completeness
                    self._error(f'keepalive: {error!r}')

    def on_notice(self, tab: Tab, what: str) -> None:
        self.notices[what[:120]] += 1

    def _take_notices(self) -> dict[str, int]:
        notices, self.notices = self.notices, Counter()
        return dict(notices)

    def _error(self, text: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(text[:300])

    def on_frame(self, tab: Tab, raw: str) -> None:
        found = marker.find(raw, self.record.phase)
        if not found:
            return
        now = marker.now_us()
        record = self.record
        for key, sent_us in found.items():
            if key in tab.seen:
                record.duplicates += 1
                continue
            tab.seen.add(key)
            latency = (now - sent_us) / 1000
            record.latencies_ms.append(latency)
            record.received_at_us.append(now)
            record.received[key] += 1
            node = tab.spec.extra.get('node')
            if node:
                record.node_deliveries.append((key, node, latency))
            own = tab.own.pop(key, None)
            if own is not None:
                self.acks_ms[key] = (now - own) / 1000
        record.last_delivery = time.monotonic()

    # ---- commands ----------------------------------------------------------------------------------------

    async def cmd_open(self, command: dict[str, Any]) -> dict[str, Any]:
        specs: list[TabSpec] = command['specs']
        limit = asyncio.Semaphore(int(command.get('concurrency', 20)))
        times: list[float] = []
        failed = 0

        async def open_one(spec: TabSpec) -> None:
            nonlocal failed
            async with limit:
                tab = make_tab(self.kind, spec, self.session_for(spec), self.on_frame, self.on_notice)
                try:
                    await tab.prepare()
                except Exception as error:
                    failed += 1
                    self._error(f'prepare {spec.user}: {error!r}')
                    return
                if command.get('prepare_only'):
                    return  # log users in now, open their tabs later (the memory probe measures only the tabs)
                started = time.monotonic()
                if not await self._load(tab, 'open'):
                    failed += 1
                    return
                times.append((time.monotonic() - started) * 1000)
                self.tabs.append(tab)

        cpu0, wall0 = time.process_time(), time.monotonic()
        await asyncio.gather(*(open_one(spec) for spec in specs))
        return {
            'open_ms': times,
            'failed': failed,
            'errors': self._take_errors(),
            'notices': self._take_notices(),
            'generator': _usage(cpu0, wall0, []),
        }

    async def cmd_run(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send `rate` msgs/s for `duration` s into the rooms this worker sends for; time every delivery."""
        phase = int(command['phase'])
        duration = float(command['duration'])
        rate = float(command['rate'])
        drain = float(command.get('drain', 5.0))
        sender_rooms: list[str] = list(command['rooms'])
        for tab in self.tabs:
            tab.seen.clear()
            tab.own.clear()
        self.record = PhaseRecord(phase=phase)
        self.acks_ms = {}
        senders: dict[str, list[Tab]] = {}
        for tab in self.tabs:
            if tab.spec.room in sender_rooms:
                senders.setdefault(tab.spec.room, []).append(tab)
        rooms = [room for room in sender_rooms if senders.get(room)]
        sent: dict[str, dict[str, Any]] = {}
        pending: set[asyncio.Task[None]] = set()
        late = 0
        lag = LoopLag()
        lag.start()
        cpu0, wall0 = time.process_time(), time.monotonic()

        async def send_one(tab: Tab, key: str) -> None:
            sent_us = marker.now_us()
            text = marker.make_text(key, sent_us, FILLER)
            entry: dict[str, Any] = {'room': tab.spec.room, 'sent_us': sent_us}
            if tab.spec.extra.get('node'):
                entry['node'] = tab.spec.extra['node']
            sent[key] = entry
            if not tab.has_server_ack:
                tab.own[key] = sent_us
            try:
                await tab.send(text)
                if tab.has_server_ack:
                    entry['ack_ms'] = (marker.now_us() - sent_us) / 1000
            except Exception as error:
                entry['error'] = repr(error)[:200]
                self._error(f'send: {error!r}')

        if rooms and rate > 0 and duration > 0:
            interval = 1.0 / rate
            total = int(duration * rate)
            start = time.monotonic()
            for seq in range(total):
                due = start + seq * interval
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -0.05:
                    late += 1
                room = rooms[seq % len(rooms)]
                tab = random.choice(senders[room])
                task = asyncio.get_running_loop().create_task(
                    send_one(tab, marker.make_key(phase, self.worker_id, seq))
                )
                pending.add(task)
                task.add_done_callback(pending.discard)
        send_wall = time.monotonic() - wall0
        if pending:  # sends still waiting for their acknowledgement
            await asyncio.wait(set(pending), timeout=drain)
        for task in list(pending):
            task.cancel()
        self._phase_usage = (cpu0, wall0, lag)
        return {'sent': sent, 'late_sends': late, 'send_wall_s': send_wall}

    async def cmd_drain(self, command: dict[str, Any]) -> dict[str, Any]:
        """Wait until this worker's tabs received every message sent in the phase (or the timeout)."""
        local_tabs: Counter[str] = Counter(tab.spec.room for tab in self.tabs)
        expected = {key: local_tabs[room] for key, room in command['keys'].items() if local_tabs[room]}
        deadline = time.monotonic() + float(command['timeout'])
        received = self.record.received
        while time.monotonic() < deadline and any(received[key] < count for key, count in expected.items()):
            await asyncio.sleep(0.05)
        cpu0, wall0, lag = self._phase_usage
        return {
            'received': dict(received),
            'acks_ms': self.acks_ms,
            'latencies_ms': self.record.latencies_ms,
            'received_at_us': self.record.received_at_us,
            'node_deliveries': self.record.node_deliveries,
            'duplicates': self.record.duplicates,
            'errors': self._take_errors(),
            'notices': self._take_notices(),
            'generator': _usage(cpu0, wall0, lag.stop()),
        }

    async def cmd_storm(self, command: dict[str, Any]) -> dict[str, Any]:
        """Every tab drops its connection and loads its page again, all at the same moment."""
        times: list[float] = []
        failed = 0
        cpu0, wall0 = time.process_time(), time.monotonic()

        async def reload(tab: Tab) -> None:
            nonlocal failed
            started = time.monotonic()
            await tab.close()
            if await self._load(tab, 'reload'):
                times.append((time.monotonic() - started) * 1000)
            else:
                failed += 1

        await asyncio.gather(*(reload(tab) for tab in self.tabs))
        return {
            'reload_ms': times,
            'failed': failed,
            'errors': self._take_errors(),
            'notices': self._take_notices(),
            'generator': _usage(cpu0, wall0, []),
        }

    async def cmd_close(self, command: dict[str, Any]) -> dict[str, Any]:
        """Close every tab, or (`rooms`) only the tabs of those rooms."""
        rooms = command.get('rooms')
        closing = self.tabs if rooms is None else [tab for tab in self.tabs if tab.spec.room in set(rooms)]
        self.tabs = [tab for tab in self.tabs if tab not in closing]
        await asyncio.gather(*(tab.close() for tab in closing), return_exceptions=True)
        return {'closed': len(closing)}

    async def _load(self, tab: Tab, what: str) -> bool:
        """Open the tab; when that fails, load it again as a person (or nicegui.js) would, for a while."""
        deadline = time.monotonic() + RECOVERY_LIMIT
        while True:
            try:
                await tab.open()
                return True
            except Exception as error:
                self._error(f'{what} {tab.spec.url}: {error!r}')
                if time.monotonic() > deadline:
                    return False
                self.on_notice(tab, f'{what} retried')
                await tab.close()
                await asyncio.sleep(1.0)

    def _take_errors(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


def _split_cookies(header: str) -> list[tuple[str, str]]:
    pairs = []
    for part in header.split(';'):
        if '=' in part:
            name, value = part.strip().split('=', 1)
            pairs.append((name, value))
    return pairs


def _usage(cpu0: float, wall0: float, lag_ms: list[float]) -> dict[str, float]:
    wall = max(time.monotonic() - wall0, 1e-9)
    ordered = sorted(lag_ms)
    return {
        'cpu_fraction': round((time.process_time() - cpu0) / wall, 3),
        'loop_lag_p99_ms': round(ordered[int(0.99 * (len(ordered) - 1))], 2) if ordered else 0.0,
        'loop_lag_max_ms': round(ordered[-1], 2) if ordered else 0.0,
    }


def worker_main(worker_id: int, kind: str, conn: Connection) -> None:
    """Entry point of a worker process."""
    asyncio.run(Worker(worker_id, kind, conn).serve())
