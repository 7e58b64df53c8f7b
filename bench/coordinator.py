"""Drives the load generator processes through one target's scenario and turns replies into figures.

Scenario per target: open N tabs (one user each, rooms of R) -> RSS per tab -> warm-up -> steady phase at
the message rate -> reconnect storm (every tab reloads at once) -> a short phase proving delivery after it
-> the big room (all N tabs in one room) at a low rate.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from bench import sysmon
from bench.chromium import ChromiumWatchers
from bench.loadgen import worker_main
from bench.profile import Profiler
from bench.stats import summarize
from bench.tabs.base import TabSpec
from bench.targets.base import Target

GENERATOR_CPU_LIMIT = 0.85  # a worker busier than this was probably the bottleneck
GENERATOR_LAG_LIMIT_MS = 50.0


@dataclass(frozen=True)
class Plan:
    tabs: int
    room_size: int
    rate: float  # messages per second over all rooms in the steady phase
    duration: float  # seconds of the steady phase
    warmup: float
    after_storm: float  # seconds of traffic after the reconnect storm
    big_rate: float
    big_duration: float
    drain: float
    workers: int


class Generator:
    """The worker processes of one target (their kind of tab is fixed at start)."""

    def __init__(self, kind: str, workers: int) -> None:
        self.kind = kind
        context = multiprocessing.get_context('spawn')
        self.pipes: list[Connection] = []
        self.procs: list[BaseProcess] = []
        for worker_id in range(workers):
            parent, child = context.Pipe()
            proc = context.Process(target=worker_main, args=(worker_id, kind, child), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        self.rooms_of: list[list[str]] = [[] for _ in range(workers)]

    def call(self, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for pipe, command in zip(self.pipes, commands, strict=True):
            pipe.send(command)
        replies = [pipe.recv() for pipe in self.pipes]
        for reply in replies:
            if 'fatal' in reply:
                raise RuntimeError(f'load generator worker failed:\n{reply["fatal"]}')
        return replies

    def broadcast(self, command: dict[str, Any]) -> list[dict[str, Any]]:
        return self.call([command] * len(self.pipes))

    def prepare(self, specs: list[TabSpec], concurrency: int = 20) -> list[dict[str, Any]]:
        """Log the users of these tabs in (per worker, where their tabs will open), opening nothing."""
        return self.open(specs, concurrency, prepare_only=True)

    def open(
        self,
        specs: list[TabSpec],
        concurrency: int = 20,
        halfway: Callable[[], None] | None = None,
        prepare_only: bool = False,
    ) -> list[dict[str, Any]]:
        """Whole rooms go to one worker where there are enough rooms; a big room is spread over all.

        With `halfway`, each worker opens half its tabs, `halfway()` runs, then the other half opens (the
        server's memory between the two is the marginal cost of a tab, free of start-up and first-page costs).
        """
        rooms = sorted({spec.room for spec in specs}, key=lambda r: (len(r), r))
        shares: list[list[TabSpec]] = [[] for _ in self.pipes]
        self.rooms_of = [[] for _ in self.pipes]
        if len(rooms) >= len(self.pipes):
            owner = {room: i % len(self.pipes) for i, room in enumerate(rooms)}
            for spec in specs:
                shares[owner[spec.room]].append(spec)
            for room, worker in owner.items():
                self.rooms_of[worker].append(room)
        else:
            for i, spec in enumerate(specs):
                shares[i % len(self.pipes)].append(spec)
            self.rooms_of[0] = rooms  # one worker sends, all receive

        def command(share: list[TabSpec]) -> dict[str, Any]:
            return {'cmd': 'open', 'specs': share, 'concurrency': concurrency, 'prepare_only': prepare_only}

        if halfway is None:
            return self.call([command(share) for share in shares])
        first = self.call([command(s[: len(s) // 2]) for s in shares])
        halfway()
        second = self.call([command(s[len(s) // 2 :]) for s in shares])
        return [
            {
                'open_ms': a['open_ms'] + b['open_ms'],
                'failed': a['failed'] + b['failed'],
                'errors': a['errors'] + b['errors'],
                'notices': dict(Counter(a.get('notices', {})) + Counter(b.get('notices', {}))),
                'generator': b['generator'],
                'opened': [len(a['open_ms']), len(b['open_ms'])],
            }
            for a, b in zip(first, second, strict=True)
        ]

    def run(self, phase: int, duration: float, rate: float, drain: float) -> list[dict[str, Any]]:
        """Send for `duration` s, then wait (up to `drain` s) until every tab got every message."""
        total_rooms = sum(len(rooms) for rooms in self.rooms_of) or 1
        commands = [
            {
                'cmd': 'run',
                'phase': phase,
                'duration': duration,
                'drain': drain,
                'rate': rate * len(rooms) / total_rooms,
                'rooms': rooms,
            }
            for rooms in self.rooms_of
        ]
        sent_replies = self.call(commands)
        keys = {key: entry['room'] for reply in sent_replies for key, entry in reply['sent'].items()}
        drained = self.broadcast({'cmd': 'drain', 'keys': keys, 'timeout': drain})
        return [{**sent, **rest} for sent, rest in zip(sent_replies, drained, strict=True)]

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(BrokenPipeError, OSError):
                pipe.send({'cmd': 'exit'})
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()


def generator_health(replies: list[dict[str, Any]], sends: int = 0) -> dict[str, Any]:
    usage = [reply['generator'] for reply in replies]
    cpu = max(u['cpu_fraction'] for u in usage)
    lag = max(u['loop_lag_p99_ms'] for u in usage)
    late = sum(reply.get('late_sends', 0) for reply in replies)
    limited = cpu > GENERATOR_CPU_LIMIT or lag > GENERATOR_LAG_LIMIT_MS or (sends > 0 and late > 0.01 * sends)
    return {'max_worker_cpu': cpu, 'max_loop_lag_p99_ms': lag, 'late_sends': late, 'generator_limited': limited}


def connection_summary(replies: list[dict[str, Any]]) -> dict[str, Any]:
    """Sockets that dropped, came back by reconnecting, had to reload the page, or stayed lost."""
    notices: Counter[str] = Counter()
    for reply in replies:
        notices.update(reply.get('notices', {}))
    reasons = {what[len('drop: ') :]: n for what, n in notices.items() if what.startswith('drop: ')}
    return {
        'drops': sum(reasons.values()),
        'reconnects': notices['reconnect'],
        'reloads': notices['reload'],
        'lost': notices['lost'],
        'open_retries': notices['open retried'] + notices['reload retried'],
        'connect_retries': notices['connect retried'],
        'drop_reasons': dict(Counter(reasons).most_common(5)),
    }


def _trouble(connection: dict[str, Any]) -> str:
    text = (
        f'{connection["drops"]} socket drops, {connection["reconnects"]} reconnects, '
        f'{connection["reloads"]} reloads, {connection["lost"]} lost, {connection["open_retries"]} page loads '
        f'retried, {connection["connect_retries"]} socket connects retried'
    )
    return text + (f' {connection["drop_reasons"]}' if connection['drop_reasons'] else '')


def _node_split(figures: dict[str, Any]) -> str:
    cross, same = figures['cross_node_ms'], figures['same_node_ms']
    return (
        f'p50 {cross["p50"]} ms, p99 {cross["p99"]} ms over {cross["count"]} deliveries '
        f'(same node: p50 {same["p50"]} ms, p99 {same["p99"]} ms over {same["count"]})'
    )


TIMELINE_BIN_S = 0.5


def send_started_us(sent: dict[str, dict[str, Any]]) -> int:
    return min((entry['sent_us'] for entry in sent.values()), default=0)


def latency_timeline(samples: list[tuple[int, float]], start_us: int) -> list[list[float]]:
    """[second since the first send, deliveries, p50 ms, max ms] per half second: stalls show as spikes."""
    bins: dict[int, list[float]] = defaultdict(list)
    for received_us, latency in samples:
        bins[int((received_us - start_us) / 1e6 / TIMELINE_BIN_S)].append(latency)
    rows = []
    for index in sorted(bins):
        values = sorted(bins[index])
        rows.append([round(index * TIMELINE_BIN_S, 2), len(values), round(values[len(values) // 2], 2), values[-1]])
    return rows


def phase_figures(
    replies: list[dict[str, Any]], room_sizes: dict[str, int], server_cpu: dict[str, float], duration: float
) -> dict[str, Any]:
    """Latency, completeness and throughput of one phase, over all workers."""
    sent: dict[str, dict[str, Any]] = {}
    received: Counter[str] = Counter()
    latencies: list[float] = []
    timeline: list[tuple[int, float]] = []
    duplicates = 0
    errors: list[str] = []
    acks: dict[str, float] = {}
    for reply in replies:
        acks.update(reply['acks_ms'])
    for reply in replies:
        for key, entry in reply['sent'].items():
            if key in acks:
                entry['ack_ms'] = acks[key]  # no server ack on this path: the sender's own tab receiving it
        sent.update(reply['sent'])
        received.update(reply['received'])
        latencies.extend(reply['latencies_ms'])
        timeline.extend(zip(reply['received_at_us'], reply['latencies_ms'], strict=True))
        duplicates += reply['duplicates']
        errors.extend(reply['errors'])
    expected = sum(room_sizes.get(entry['room'], 0) for entry in sent.values())
    delivered = sum(min(received[key], room_sizes.get(entry['room'], 0)) for key, entry in sent.items())
    ack_ms = [entry['ack_ms'] for entry in sent.values() if 'ack_ms' in entry]
    failed_sends = sum(1 for entry in sent.values() if 'error' in entry)
    send_wall = max([reply['send_wall_s'] for reply in replies] + [duration]) or 1e-9
    return {
        'messages_sent': len(sent),
        'failed_sends': failed_sends,
        'deliveries_expected': expected,
        'deliveries': delivered,
        'completeness': round(delivered / expected, 5) if expected else None,
        'duplicates': duplicates,
        'send_to_receive_ms': summarize(latencies),
        'ack_ms': summarize(ack_ms),
        'msgs_per_s': round(len(sent) / send_wall, 2),
        'tab_updates_per_s': round(delivered / send_wall, 1),
        'server_cpu': server_cpu,
        'server_cpu_us_per_update': round(server_cpu['cpu_s'] * 1e6 / delivered, 1) if delivered else None,
        'generator': generator_health(replies, len(sent)),
        'connection': connection_summary(replies),
        'errors': errors[:10],
        'latency_samples_ms': latencies,
        'latency_timeline': latency_timeline(timeline, send_started_us(sent)),
        **node_latencies(replies, sent),
    }


def node_latencies(replies: list[dict[str, Any]], sent: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Cluster targets only: send-to-receive split by whether the receiving tab is on the sender's node."""
    cross: list[float] = []
    same: list[float] = []
    for reply in replies:
        for key, node, latency in reply.get('node_deliveries', []):
            sender = sent.get(key, {}).get('node')
            if sender is not None:
                (same if sender == node else cross).append(latency)
    if not cross and not same:
        return {}
    return {'cross_node_ms': summarize(cross), 'same_node_ms': summarize(same)}


def room_sizes(specs: list[TabSpec]) -> dict[str, int]:
    """Tabs per room. A tab that failed to open still counts: what it missed is missing."""
    sizes: dict[str, int] = defaultdict(int)
    for spec in specs:
        sizes[spec.room] += 1
    return dict(sizes)


def run_phase(
    generator: Generator, target: Target, phase: int, duration: float, rate: float, drain: float, sizes: dict[str, int]
) -> dict[str, Any]:
    window = sysmon.CpuWindow(target.pid)
    window.start()
    replies = generator.run(phase, duration, rate, drain)
    cpu = window.stop()
    figures = phase_figures(replies, sizes, cpu, duration)
    figures['server_rss_mb'] = round(sysmon.rss_bytes(target.pid) / 2**20, 1)
    return figures


SETTLE_AFTER_CLOSE_S = 10.0  # NiceGUI deletes a closed tab's client after reconnect_timeout (5 s here)
STORM_PROFILE_S = 10  # the first seconds of the reconnect storm: page builds and socket connects


def run_target(
    target: Target, plan: Plan, log: Any, profile_path: Path | None = None, chromium_tabs: int = 0
) -> dict[str, Any]:
    """The whole scenario against one target; returns its figures."""
    result: dict[str, Any] = {'target': target.name, 'label': target.label}
    started = time.monotonic()
    try:
        target.start()
    except BaseException:
        target.stop()  # the server may be up even though its preparation failed
        raise
    result['setup_s'] = round(time.monotonic() - started, 1)
    log(f'[{target.name}] server up and prepared in {result["setup_s"]} s')
    generator = Generator(target.kind, plan.workers)
    try:
        time.sleep(1.0)
        rss_idle = sysmon.rss_bytes(target.pid)
        specs = target.specs(big_room=False)
        rss_half: list[int] = []

        def measure_half() -> None:
            time.sleep(2.0)
            rss_half.append(sysmon.rss_bytes(target.pid))

        replies = generator.open(specs, halfway=measure_half)
        opened = sum(len(r['open_ms']) for r in replies)
        second_half = sum(r['opened'][1] for r in replies)
        open_ms = [t for r in replies for t in r['open_ms']]
        result['tabs_opened'] = opened
        result['tabs_failed'] = sum(r['failed'] for r in replies)
        result['open_errors'] = [e for r in replies for e in r['errors']][:5]
        result['open_connection'] = connection_summary(replies)
        result['tab_open_ms'] = summarize(open_ms)
        log(
            f'[{target.name}] {opened}/{len(specs)} tabs open, p50 {result["tab_open_ms"]["p50"]} ms; '
            f'{_trouble(result["open_connection"])}'
        )
        if opened == 0:
            raise RuntimeError(f'no tab could open: {result["open_errors"]}')
        time.sleep(2.0)
        rss_tabs = sysmon.rss_bytes(target.pid)
        result['server_rss_idle_mb'] = round(rss_idle / 2**20, 1)
        result['server_rss_tabs_mb'] = round(rss_tabs / 2**20, 1)
        result['server_rss_half_mb'] = round(rss_half[0] / 2**20, 1)
        # The marginal memory of a tab: growth while the second half of the tabs opened.
        result['rss_per_tab_kb'] = round((rss_tabs - rss_half[0]) / 1024 / max(second_half, 1), 1)
        result['rss_per_tab_all_kb'] = round((rss_tabs - rss_idle) / 1024 / opened, 1)
        sizes = room_sizes(specs)

        run_phase(generator, target, 0, plan.warmup, plan.rate, 2.0, sizes)  # warm-up, not reported
        log(f'[{target.name}] steady phase: {plan.rate} msg/s for {plan.duration} s')
        profiler = Profiler(target.pid, plan.duration, profile_path) if profile_path else None
        watchers = ChromiumWatchers(target, chromium_tabs, phase=1) if chromium_tabs else None
        steady = run_phase(generator, target, 1, plan.duration, plan.rate, plan.drain, sizes)
        result['steady'] = steady
        if profiler is not None:
            result['profile'] = profiler.finish()
        if watchers is not None:
            result['chromium'] = watchers.finish()
        log(
            f'[{target.name}] steady: p50 {steady["send_to_receive_ms"]["p50"]} ms, '
            f'p99 {steady["send_to_receive_ms"]["p99"]} ms, completeness {steady["completeness"]}; '
            f'{_trouble(steady["connection"])}'
        )
        if 'cross_node_ms' in steady:
            log(f'[{target.name}] steady, cross-node: {_node_split(steady)}')

        window = sysmon.CpuWindow(target.pid)
        window.start()
        storm_profile = profile_path.with_name('ours-storm-profile.txt') if profile_path else None
        storm_profiler = Profiler(target.pid, STORM_PROFILE_S, storm_profile) if storm_profile else None
        storm_started = time.monotonic()
        storm_replies = generator.broadcast({'cmd': 'storm'})
        storm_wall = time.monotonic() - storm_started
        if storm_profiler is not None:
            result['storm_profile'] = storm_profiler.finish()
        result['storm'] = {
            'tabs': opened,
            'all_reloaded_s': round(storm_wall, 2),
            'reload_ms': summarize([t for r in storm_replies for t in r['reload_ms']]),
            'failed': sum(r['failed'] for r in storm_replies),
            'errors': [e for r in storm_replies for e in r['errors']][:5],
            'connection': connection_summary(storm_replies),
            'server_cpu': window.stop(),
            'generator': generator_health(storm_replies),
        }
        log(
            f'[{target.name}] reconnect storm: all {opened} tabs back in {storm_wall:.2f} s, '
            f'{result["storm"]["failed"]} failed; {_trouble(result["storm"]["connection"])}'
        )
        after = run_phase(generator, target, 2, plan.after_storm, plan.rate, plan.drain, sizes)
        result['storm']['completeness_after'] = after['completeness']
        result['storm']['send_to_receive_after_ms'] = after['send_to_receive_ms']
        result['storm']['connection_after'] = after['connection']
        log(f'[{target.name}] after the storm: completeness {after["completeness"]}; {_trouble(after["connection"])}')

        if plan.big_duration > 0:
            # The big room's tabs open while the rooms' tabs are still connected: twice the tabs at once.
            big_specs = target.specs(big_room=True)
            big_replies = generator.open(big_specs)
            big_opened = sum(len(r['open_ms']) for r in big_replies)
            time.sleep(2.0)
            result['all_at_once'] = {
                'tabs': opened + big_opened,
                'failed': sum(r['failed'] for r in big_replies),
                'server_rss_mb': round(sysmon.rss_bytes(target.pid) / 2**20, 1),
                'connection': connection_summary(big_replies),
            }
            log(
                f'[{target.name}] {opened + big_opened} tabs connected at once; '
                f'{_trouble(result["all_at_once"]["connection"])}'
            )
            generator.broadcast({'cmd': 'close', 'rooms': sorted({spec.room for spec in specs})})
            time.sleep(SETTLE_AFTER_CLOSE_S)  # servers forget closed tabs a few seconds later, not during the phase
            log(f'[{target.name}] big room: {big_opened} tabs, {plan.big_rate} msg/s for {plan.big_duration} s')
            big_sizes = room_sizes(big_specs)
            big = run_phase(generator, target, 3, plan.big_duration, plan.big_rate, plan.drain, big_sizes)
            big['tabs'] = big_opened
            big['tab_open_ms'] = summarize([t for r in big_replies for t in r['open_ms']])
            result['big_room'] = big
            log(
                f'[{target.name}] big room: p99 {big["send_to_receive_ms"]["p99"]} ms, '
                f'completeness {big["completeness"]}; {_trouble(big["connection"])}'
            )
            if 'cross_node_ms' in big:
                log(f'[{target.name}] big room, cross-node: {_node_split(big)}')
            generator.broadcast({'cmd': 'close'})
    finally:
        generator.stop()
        result['notes'] = target.notes
        target.stop()
    return result
