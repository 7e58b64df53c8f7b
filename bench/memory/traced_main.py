"""`python main.py` with tracemalloc on demand: the first SIGUSR1 starts tracing, each later one writes a
snapshot (after a full garbage collection) of what was allocated since and is still alive.

    BENCH_SNAPSHOT=/path/snap python -m bench.memory.traced_main      # snapshots go to /path/snap.<n>

Tracing from the start made the server so slow that opening a hundred tabs took minutes; started between the
two halves of the tabs it costs only the part that is measured. Used by bench/memory/probe.py only; the
server is otherwise exactly `python main.py`.
"""

from __future__ import annotations

import gc
import itertools
import os
import runpy
import signal
import sys
import tracemalloc
from pathlib import Path
from types import FrameType

from bench.procs import ROOT

FRAMES = 16  # deep enough to reach our code from inside NiceGUI, pydantic or SQLAlchemy


def main() -> None:
    target = Path(os.environ['BENCH_SNAPSHOT'])
    counter = itertools.count()

    def dump(_signal: int, _frame: FrameType | None) -> None:
        if not tracemalloc.is_tracing():
            gc.collect()
            tracemalloc.start(FRAMES)
            return
        gc.collect()
        path = target.with_name(f'{target.name}.{next(counter)}')
        tracemalloc.take_snapshot().dump(str(path.with_suffix('.tmp')))
        path.with_suffix('.tmp').rename(path)  # the prober waits for the final name

    signal.signal(signal.SIGUSR1, dump)
    sys.argv = [str(ROOT / 'main.py')]
    sys.path.insert(0, str(ROOT))
    runpy.run_path(str(ROOT / 'main.py'), run_name='__main__')


if __name__ == '__main__':
    main()
