"""Run blocking work (database transactions, hashing, file processing) off the event loop.

A transaction can wait: SQLite's write lock held by another process, a slow PostgreSQL. On the loop that wait
would stall every tab, `/healthz` and every other request of the node; in a worker thread it holds up only the
caller. Events the work publishes reach the loop through the bus (`Bus.publish_many` hands them over).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec('P')
R = TypeVar('R')


async def off_loop(work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`work(*args, **kwargs)` in the default thread pool, with this task's context variables (rate-limit
    exemptions, the request's log context) copied along."""
    return await asyncio.to_thread(work, *args, **kwargs)
