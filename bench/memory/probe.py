"""What a connected tab costs our server in memory, and who allocates it.

    .venv/bin/python -m bench.memory.probe                 # 500 users, 100 tabs: 10 to 15 minutes
    .venv/bin/python -m bench.memory.probe --tabs 100 --users 100

Our server runs with tracemalloc on demand (bench/memory/traced_main.py). Half the tabs open, tracing starts,
the other half opens, a snapshot is taken: what those tabs allocated and still hold, divided by their number,
is the marginal cost of a tab, free of start-up and first-page costs (as the benchmark's RSS figure). Each
allocation is charged to the innermost frame of our own code on its stack (components/, pages/, state/, db/)
and, separately, to the library function that line called, so the table says both "which of our lines" and
"inside what". Writes memory.json and memory.md to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

from bench import sysmon
from bench.coordinator import Generator
from bench.procs import ROOT
from bench.targets.base import Layout
from bench.targets.ours import OursTarget

OUR_CODE = tuple(str(ROOT / part) + os.sep for part in ('components', 'pages', 'state', 'db', 'api'))


def start_tracing(pid: int) -> None:
    os.kill(pid, signal.SIGUSR1)


def take_snapshot(pid: int, path: Path, index: int, timeout: float = 300.0) -> tracemalloc.Snapshot:
    os.kill(pid, signal.SIGUSR1)
    target = path.with_name(f'{path.name}.{index}')
    deadline = time.monotonic() + timeout
    while not target.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f'no snapshot at {target} after {timeout} s')
        time.sleep(0.2)
    return tracemalloc.Snapshot.load(str(target))


def _short(filename: str, lineno: int) -> str:
    for prefix in (str(ROOT) + os.sep, 'site-packages' + os.sep):
        if prefix in filename:
            filename = filename.split(prefix, 1)[1]
    return f'{filename}:{lineno}'


def charge(snapshot: tracemalloc.Snapshot) -> dict[str, Counter[str]]:
    """Live bytes per culprit: our innermost line, what it called into, and the allocating line."""
    ours: Counter[str] = Counter()
    library: Counter[str] = Counter()
    allocator: Counter[str] = Counter()
    for stat in snapshot.statistics('traceback'):
        frames = list(reversed(stat.traceback))  # innermost first
        allocator[_short(frames[0].filename, frames[0].lineno)] += stat.size
        mine = next((i for i, f in enumerate(frames) if f.filename.startswith(OUR_CODE)), None)
        if mine is None:
            ours['(no frame of our code)'] += stat.size
            library[_short(frames[0].filename, frames[0].lineno)] += stat.size
            continue
        ours[_short(frames[mine].filename, frames[mine].lineno)] += stat.size
        callee = frames[mine - 1] if mine > 0 else None  # the library function our line called
        library[_short(callee.filename, callee.lineno) if callee else '(our line itself)'] += stat.size
    return {'ours': ours, 'library': library, 'allocator': allocator}


def run_probe(users: int, tabs: int, room_size: int, workers: int, out: Path, log: Any = print) -> dict[str, Any]:
    workdir = ROOT / 'bench' / 'work' / 'memory'
    snapshot_path = workdir / 'snapshot'
    for stale in workdir.glob('snapshot.*'):  # an earlier run's file would be taken for this run's snapshot
        stale.unlink()
    target = OursTarget(workdir, Layout(tabs=users, room_size=room_size))
    target.server_args = ('-m', 'bench.memory.traced_main')
    target.extra_env = {'BENCH_SNAPSHOT': str(snapshot_path)}
    target.start()
    log(f'[memory] traced server up; {users} users in rooms of {room_size}')
    generator = Generator(target.kind, workers)
    rss: list[int] = []
    failed = 0
    try:
        specs = target.specs(big_room=False)[:tabs]
        half = len(specs) // 2
        # Logins are not a tab's cost, and slow under tracing. Each half is logged in by the worker that will
        # open it (a worker remembers its own logins), so no login happens while tracing.
        generator.prepare(specs[:half])
        generator.prepare(specs[half:])
        generator.open(specs[:half])
        time.sleep(2.0)
        rss.append(sysmon.rss_bytes(target.pid))
        start_tracing(target.pid)
        log('[memory] tracing started')
        # Two at a time: the traced server is several times slower, and a page that times out is not measured.
        replies = generator.open(specs[half:], concurrency=2)
        second_half = sum(len(r['open_ms']) for r in replies)
        failed = sum(r['failed'] for r in replies)
        if failed:
            log(f'[memory] {failed} tabs failed to open: {[e for r in replies for e in r["errors"]][:3]}')
        time.sleep(2.0)
        rss.append(sysmon.rss_bytes(target.pid))  # before the snapshot, which itself takes memory
        snapshot = take_snapshot(target.pid, snapshot_path, 0)
        log(f'[memory] snapshot taken; {second_half} tabs opened while tracing')
    finally:
        generator.stop()
        target.stop()
    rss_before, rss_after = rss
    # Modules imported on first use of a code path are a one-time cost, not a tab's.
    imports = tracemalloc.Filter(False, '<frozen importlib._bootstrap*>', all_frames=True)
    charged = charge(snapshot.filter_traces([imports]))
    traced = sum(charged['allocator'].values())
    per_tab = max(second_half, 1)

    def table(counter: Counter[str], top: int = 15) -> list[dict[str, Any]]:
        return [
            {'where': where, 'kb_per_tab': round(size / 1024 / per_tab, 1), 'share': round(size / traced, 3)}
            for where, size in counter.most_common(top)
        ]

    result = {
        'users': users,
        'tabs': tabs,
        'room_size': room_size,
        'tabs_measured': second_half,
        'tabs_failed': failed,
        'rss_per_tab_kb': round((rss_after - rss_before) / 1024 / per_tab, 1),
        'traced_per_tab_kb': round(traced / 1024 / per_tab, 1),
        'by_our_code': table(charged['ours']),
        'by_library': table(charged['library']),
        'by_allocating_line': table(charged['allocator']),
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / 'memory.json').write_text(json.dumps(result, indent=1))
    (out / 'memory.md').write_text(markdown(result))
    return result


def markdown(result: dict[str, Any]) -> str:
    lines = [
        '# Server memory per connected tab (ours)',
        '',
        f'{result["users"]} users in the workspace, {result["tabs"]} tabs (rooms of {result["room_size"]}); '
        f'{result["tabs_measured"]} tabs opened while tracing ({result["tabs_failed"]} failed): Python allocations '
        f'they hold (tracemalloc) {result["traced_per_tab_kb"]} KB per tab; RSS grew {result["rss_per_tab_kb"]} KB '
        "per tab, tracemalloc's own bookkeeping included (the benchmark's untraced figure is the one to quote).",
    ]
    for title, key in (
        ('Charged to the innermost line of our code', 'by_our_code'),
        ('What that line called into (the first library frame below it)', 'by_library'),
        ('The allocating line itself', 'by_allocating_line'),
    ):
        lines += ['', f'## {title}', '', '| where | KB per tab | share |', '| --- | --- | --- |']
        lines += [f'| `{row["where"]}` | {row["kb_per_tab"]} | {row["share"]:.1%} |' for row in result[key]]
    return '\n'.join(lines) + '\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m bench.memory.probe', description=__doc__.split('\n\n')[0])
    parser.add_argument('--users', type=int, default=500, help='accounts in the workspace (the people list size)')
    parser.add_argument('--tabs', type=int, default=100, help='tabs to open, one per user')
    parser.add_argument('--room-size', type=int, default=20)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--out', type=Path, default=ROOT / 'bench' / 'results')
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    result = run_probe(args.users, min(args.tabs, args.users), args.room_size, args.workers, args.out)
    print(markdown(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())
