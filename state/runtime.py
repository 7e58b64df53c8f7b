"""Start and stop the live parts of a server process: the bus backend, the stores and the one app timer."""

from __future__ import annotations

from settings import Settings
from state.bus import bus


async def start(settings: Settings) -> None:
    # The Redis backend (several nodes) plugs in here when CHAT_REDIS_URL is set; see state/bus.py.
    await bus.start()


async def stop() -> None:
    await bus.stop()
