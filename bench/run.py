"""The benchmark command: ours against the bare socket.io floor, naive NiceGUI and Synapse, in one run.

    .venv/bin/python -m bench.run            # full run, about 10 minutes on 2 cores
    .venv/bin/python -m bench.run --quick    # a smoke run of about a minute
    .venv/bin/python -m bench.run --target cluster --quick --no-history   # ours on a 2-node cluster

Writes bench/results/results.json, results.md and PNG plots. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.coordinator import Plan, run_target
from bench.history import run_history
from bench.procs import ROOT
from bench.targets.base import Layout, Target

TARGETS = ('ours', 'floor', 'naive', 'synapse')
EXTRA_TARGETS = ('cluster',)  # not in the default run: it needs PostgreSQL, Redis and nginx
FULL = {
    'tabs': 500,
    'room_size': 20,
    'rate': 25.0,
    'duration': 30.0,
    'warmup': 3.0,
    'after_storm': 5.0,
    'big_rate': 2.0,
    'big_duration': 10.0,
    'drain': 10.0,
    'workers': 2,
    'history_messages': 1_000_000,
    'history_channel': 100_000,
    'opens': 30,
    'pages': 100,
    'chromium': 3,
}
QUICK = FULL | {
    'tabs': 20,
    'room_size': 10,
    'rate': 5.0,
    'duration': 8.0,
    'warmup': 2.0,
    'after_storm': 3.0,
    'big_duration': 4.0,
    'drain': 8.0,
    'history_messages': 100_000,
    'history_channel': 10_000,
    'opens': 5,
    'pages': 20,
    'chromium': 2,
}


def make_target(name: str, workdir: Path, layout: Layout, args: argparse.Namespace | None = None) -> Target:
    if name == 'cluster':
        from bench.targets.cluster import ClusterTarget

        return ClusterTarget(
            workdir,
            layout,
            cluster_dir=getattr(args, 'cluster_dir', None),
            nodes=getattr(args, 'cluster_nodes', 2),
        )
    if name == 'ours':
        from bench.targets.ours import OursTarget

        return OursTarget(workdir, layout)
    if name == 'floor':
        from bench.targets.floor import FloorTarget

        return FloorTarget(workdir, layout)
    if name == 'naive':
        from bench.targets.naive import NaiveTarget

        return NaiveTarget(workdir, layout)
    if name == 'synapse':
        from bench.targets.synapse import SynapseTarget

        return SynapseTarget(workdir, layout)
    raise ValueError(name)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or 'unknown CPU'
    cpuinfo = Path('/proc/cpuinfo')
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    memory = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30
    from nicegui import __version__ as nicegui_version

    return {
        'cpu': cpu,
        'cores': os.cpu_count(),
        'memory_gb': round(memory, 1),
        'python': platform.python_version(),
        'nicegui': nicegui_version,
        'kernel': platform.release(),
    }


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='python -m bench.run', description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true', help='a smoke run of about a minute')
    choices = ','.join(TARGETS + EXTRA_TARGETS)
    parser.add_argument('--targets', '--target', default=','.join(TARGETS), help=f'comma-separated subset of {choices}')
    parser.add_argument(
        '--cluster-dir', type=Path, default=None, help='cluster target: attach to this deploy/cluster.sh DIR'
    )
    parser.add_argument('--cluster-nodes', type=int, default=2, help='cluster target: nodes to start (default 2)')
    for key, value in FULL.items():
        parser.add_argument(f'--{key.replace("_", "-")}', type=type(value), default=None, help=f'(full: {value})')
    parser.add_argument('--no-history', action='store_true', help='skip the 1M-message history figures')
    parser.add_argument('--profile', action='store_true', help='py-spy profiles of our server (steady phase, storm)')
    parser.add_argument('--out', type=Path, default=ROOT / 'bench' / 'results')
    args = parser.parse_args(argv)
    settings = dict(QUICK if args.quick else FULL)
    for key in FULL:
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    args.settings = settings
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    settings: dict[str, Any] = args.settings
    out: Path = args.out
    workdir = ROOT / 'bench' / 'work'
    shutil.rmtree(workdir, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def log(text: str) -> None:
        print(f'{time.monotonic() - started:6.1f}s  {text}', flush=True)

    plan = Plan(**{k: settings[k] for k in Plan.__dataclass_fields__})
    layout = Layout(tabs=plan.tabs, room_size=plan.room_size)
    results: dict[str, Any] = {
        'command': 'python -m bench.run ' + ' '.join(sys.argv[1:] if argv is None else argv),
        'started_at': datetime.now(UTC).isoformat(timespec='seconds'),
        'machine': machine(),
        'plan': asdict(plan),
        'targets': {},
        'search': 'measured with the history figures (skipped with --no-history)',
    }
    names = [name.strip() for name in args.targets.split(',') if name.strip()]
    for name in names:
        target = make_target(name, workdir, layout, args)
        extras: dict[str, Any] = {}
        if name == 'ours':
            extras = {
                'profile_path': out / 'ours-profile.txt' if args.profile else None,
                'chromium_tabs': settings['chromium'],
            }
        try:
            results['targets'][name] = run_target(target, plan, log, **extras)
        except Exception as error:
            log(f'[{name}] failed: {error!r}')
            results['targets'][name] = {
                'label': target.label,
                'error': repr(error)[:500],
                'trace': traceback.format_exc()[-3000:],
            }
        for key in ('profile', 'storm_profile', 'chromium'):
            if key in results['targets'][name]:
                results[key] = results['targets'][name].pop(key)
    if not args.no_history and 'ours' in names:
        try:
            results['history'] = run_history(
                workdir,
                settings['history_messages'],
                settings['history_channel'],
                settings['opens'],
                settings['pages'],
                log,
            )
        except Exception as error:
            log(f'[history] failed: {error!r}')
            results['history'] = {'error': repr(error)[:500], 'trace': traceback.format_exc()[-3000:]}
    results['wall_s'] = round(time.monotonic() - started, 1)
    report.write(results, out)
    log(f'done in {results["wall_s"]} s: {out / "results.md"}')
    print((out / 'results.md').read_text())
    return 0


if __name__ == '__main__':
    sys.exit(main())
