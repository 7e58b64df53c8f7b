"""Process CPU and memory read from /proc (Linux), without extra dependencies."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf('SC_CLK_TCK')
_PAGE = os.sysconf('SC_PAGE_SIZE')


def children(pid: int) -> list[int]:
    """All descendants of pid (a server started through a wrapper counts with its children)."""
    found: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        path = Path(f'/proc/{current}/task/{current}/children')
        try:
            kids = [int(k) for k in path.read_text().split()]
        except OSError:
            kids = []
        found.extend(kids)
        pending.extend(kids)
    return found


def rss_bytes(pid: int, with_children: bool = True) -> int:
    total = 0
    for each in [pid, *(children(pid) if with_children else [])]:
        try:
            fields = Path(f'/proc/{each}/statm').read_text().split()
            total += int(fields[1]) * _PAGE
        except OSError:
            continue
    return total


def cpu_seconds(pid: int, with_children: bool = True) -> float:
    """User + system CPU time of the process (and its live descendants)."""
    total = 0.0
    for each in [pid, *(children(pid) if with_children else [])]:
        try:
            stat = Path(f'/proc/{each}/stat').read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(')') + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
    return total


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, summed over cores."""
    fields = [int(v) for v in Path('/proc/stat').read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return (total - idle) / _TICKS, total / _TICKS


@dataclass
class CpuWindow:
    """CPU used by a process between start() and stop(), as cores busy on average."""

    pid: int
    _cpu0: float = 0.0
    _wall0: float = 0.0
    _machine0: tuple[float, float] = (0.0, 0.0)

    def start(self) -> None:
        self._cpu0 = cpu_seconds(self.pid)
        self._wall0 = time.monotonic()
        self._machine0 = machine_cpu_seconds()

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self._wall0
        used = cpu_seconds(self.pid) - self._cpu0
        busy1, total1 = machine_cpu_seconds()
        machine_busy = (busy1 - self._machine0[0]) / max(total1 - self._machine0[1], 1e-9)
        return {
            'wall_s': round(wall, 3),
            'cpu_s': round(used, 3),
            'cores': round(used / wall, 3) if wall > 0 else 0.0,
            'machine_busy_fraction': round(machine_busy, 3),
        }
