"""A py-spy profile of a server process, summarised as the functions that take the most samples."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

_LINE = re.compile(r' \(([^)]*?):\d+\)$')


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / 'py-spy'
    return str(beside) if beside.exists() else shutil.which('py-spy')


class Profiler:
    """`py-spy record` in raw (collapsed stack) format for a fixed duration."""

    def __init__(self, pid: int, duration: float, path: Path) -> None:
        self.path = path
        self.proc: subprocess.Popen[bytes] | None = None
        self.error = ''
        binary = py_spy()
        if binary is None:
            self.error = 'py-spy is not installed (pip install -e .[bench])'
            return
        command = [binary, 'record', '--pid', str(pid), '--duration', str(int(duration)), '--rate', '200']
        command += ['--format', 'raw', '--output', str(path), '--nonblocking']
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def finish(self) -> dict[str, Any]:
        if self.proc is None:
            return {'error': self.error}
        _, stderr = self.proc.communicate(timeout=120)
        if self.proc.returncode != 0 or not self.path.exists():
            return {'error': f'py-spy failed: {stderr.decode(errors="replace")[-500:]}'}
        return summarize(self.path)


def _name(frame: str) -> str:
    """`func (path/to/module.py:12)` -> `func (module.py)`, short enough for a table."""
    match = _LINE.search(frame)
    if match is None:
        return frame.strip()
    return f'{frame[: match.start()].strip()} ({Path(match.group(1)).name})'


def summarize(path: Path, top: int = 15) -> dict[str, Any]:
    self_samples: Counter[str] = Counter()
    total_samples: Counter[str] = Counter()
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(' ')
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_name(frame) for frame in stack.split(';')]
        samples += count
        self_samples[frames[-1]] += count
        for frame in set(frames):
            total_samples[frame] += count
    rows = [
        {
            'function': name,
            'self_pct': round(100 * count / samples, 1),
            'total_pct': round(100 * total_samples[name] / samples, 1),
        }
        for name, count in self_samples.most_common(top)
    ]
    heavy = [
        {'function': name, 'total_pct': round(100 * count / samples, 1)}
        for name, count in total_samples.most_common(40)
    ]
    return {'samples': samples, 'top': rows, 'inclusive': heavy, 'raw': str(path)}
