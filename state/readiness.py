"""Is this node ready for traffic? The database answers, and the bus is connected when Redis is configured.

`/readyz` (api/ops.py) asks; `/healthz` stays the liveness answer (the process serves), so a proxy or an
orchestrator can take a node out of rotation during a database outage without restarting it.
"""

from __future__ import annotations

import asyncio

from db.health import database_answers
from settings import get_settings
from state.blocking import off_loop
from state.metrics_sources import bus_connected

DATABASE_TIMEOUT_SECONDS = 2.0


async def not_ready() -> list[str]:
    """The names of what is not ready (`database`, `bus`); empty when the node is ready."""
    failing: list[str] = []
    try:  # off the loop: a locked or unreachable database must not stall the node while we wait for it
        answers = await asyncio.wait_for(off_loop(database_answers), DATABASE_TIMEOUT_SECONDS)
    except TimeoutError:
        answers = False
    if not answers:
        failing.append('database')
    if get_settings().redis_url and not bus_connected():
        failing.append('bus')
    return failing
