"""Keep CPython's full garbage collections short while many tabs are open.

Every open tab keeps a few thousand GC-tracked objects alive (NiceGUI elements with their observables) for as
long as it is open. A full collection walks all of them: with 500 tabs that took 0.7 to 0.9 s, every 5 to 10 s under
traffic, and was the whole latency tail (bench/RESULTS.md). So objects that have survived a while are moved to
the permanent generation (`gc.freeze`), and routine collections only walk what is new.

Frozen objects are still freed by reference counting the moment nothing refers to them; only reference cycles
among them (a closed tab's elements pointing at each other) wait for `sweep`, which thaws everything, collects
once and freezes again. That one pass costs what a routine full collection used to, every few minutes instead
of every few seconds.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)

FREEZE_EVERY_SECONDS = 10.0
SWEEP_EVERY_SECONDS = 600.0


def freeze_survivors() -> None:
    """Collect the young generations first, so fresh garbage is freed rather than frozen, then freeze the rest."""
    gc.collect(1)
    gc.freeze()


def sweep() -> None:
    """Free the cycles that died while frozen: one full collection over everything, then freeze again."""
    started = time.perf_counter()
    gc.unfreeze()
    freed = gc.collect()
    gc.freeze()
    log.info('heap sweep freed %d objects in %.0f ms', freed, (time.perf_counter() - started) * 1000)
