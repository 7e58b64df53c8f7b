"""Say `disconnect` before the server stops on SIGTERM/SIGINT.

uvicorn closes every WebSocket (code 1012) before the app's shutdown hooks run, too late to send a message on
them. So, once started (uvicorn has installed its signal handlers by then), we put a handler in front of
uvicorn's: it tells the hub to close every connection with `disconnect` (for at most `DRAIN_SECONDS`) and then
hands the signal on to uvicorn's handler, which shuts down as before. A second signal goes straight through.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Awaitable, Callable, Coroutine
from types import FrameType
from typing import Any

import uvicorn

log = logging.getLogger(__name__)

DRAIN_SECONDS = 2.0
SIGNALS = (signal.SIGINT, signal.SIGTERM)
_running: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks


def install(drain: Callable[[float], Awaitable[None]]) -> None:
    """Call on the event loop in the main thread (an app start-up hook) of a server that uvicorn runs; under a
    test harness, in another thread, or a second time, it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    for number in SIGNALS:
        previous = signal.getsignal(number)
        if callable(previous) and isinstance(getattr(previous, '__self__', None), uvicorn.Server):
            signal.signal(number, _handler(loop, drain, previous))  # only in front of uvicorn's own handler


def _handler(
    loop: asyncio.AbstractEventLoop,
    drain: Callable[[float], Awaitable[None]],
    previous: Callable[[int, FrameType | None], object],
) -> Callable[[int, FrameType | None], None]:
    draining = False

    def handle(number: int, frame: FrameType | None) -> None:
        nonlocal draining
        if draining:
            previous(number, frame)
            return
        draining = True

        async def drain_then_exit() -> None:
            try:
                await asyncio.wait_for(drain(DRAIN_SECONDS), DRAIN_SECONDS + 0.5)
            except Exception:  # never keep the server from stopping
                log.exception('Socket Mode connections did not close cleanly before the exit')
            previous(number, frame)

        # A signal handler runs between two bytecodes of the loop's thread: schedule, do not run, the drain.
        loop.call_soon_threadsafe(_start, loop, drain_then_exit)

    return handle


def _start(loop: asyncio.AbstractEventLoop, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    task = loop.create_task(work(), name='socket-mode-drain')
    _running.add(task)
    task.add_done_callback(_running.discard)
