"""A tab whose live updates come over one socket.io connection, and which recovers from a lost socket as a
browser does.

socket.io-client reconnects on its own after a drop (first after about a second, then with growing delays up
to five seconds). NiceGUI's page script reloads the page when the server refuses the reconnect (it has deleted
the client) or a connection attempt times out. Both are emulated here and reported through `notice`, so a
phase's figures say how many sockets dropped, came back, or had to reload: a message a tab missed while it
was away stays missing unless the server gives it back (NiceGUI resends its outbox on reconnect; a reloaded
page shows the newest messages), exactly as a person would or would not see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from abc import abstractmethod
from typing import Any

import aiohttp

from bench.sio_wire import ConnectRefused, WireError, WireSocket
from bench.tabs.base import Tab

RECONNECT_DELAY = 1.0  # socket.io-client: reconnectionDelay, randomized by +-50%
RECONNECT_DELAY_MAX = 5.0
RECOVERY_LIMIT = 120.0  # after this long without a working socket the tab counts as lost
SEND_WAIT = 30.0  # how long a send waits for a recovering socket (socket.io-client buffers emits meanwhile)


class SocketTab(Tab):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._socket: WireSocket | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._recovery: asyncio.Task[None] | None = None
        self._live = asyncio.Event()

    @abstractmethod
    async def reconnect(self) -> WireSocket:
        """A new socket for the same page (same client, same room); raises ConnectRefused when refused."""

    async def reload(self) -> None:
        """Load the page again from scratch (a browser reload)."""
        await self.open()

    def attach(self, socket: WireSocket) -> None:
        """Make `socket` this tab's live socket and watch it for an unexpected end."""
        self._socket = socket
        self._live.set()
        self._watcher = asyncio.get_running_loop().create_task(self._watch(socket))

    async def live_socket(self) -> WireSocket:
        """The connected socket, waiting a while if the tab is recovering from a drop."""
        if not (self._socket is not None and self._socket.connected):
            if self._recovery is None:
                raise WireError('tab is not connected')
            await asyncio.wait_for(self._live.wait(), SEND_WAIT)
        assert self._socket is not None
        return self._socket

    async def _watch(self, socket: WireSocket) -> None:
        await socket.closed.wait()
        if socket.closed_by_us or socket is not self._socket:
            return
        self._live.clear()
        self.notice(self, f'drop: {socket.close_reason or "unknown"}')
        self._recovery = asyncio.get_running_loop().create_task(self._recover())

    async def _recover(self) -> None:
        deadline = time.monotonic() + RECOVERY_LIMIT
        delay = RECONNECT_DELAY
        try:
            while time.monotonic() < deadline:
                await asyncio.sleep(delay * random.uniform(0.5, 1.5))
                try:
                    socket = await self.reconnect()
                except (ConnectRefused, TimeoutError):
                    break  # nicegui.js reloads the page on a refused handshake or a timed-out attempt
                except (WireError, aiohttp.ClientError, OSError):
                    delay = min(delay * 2, RECONNECT_DELAY_MAX)
                    continue
                self.notice(self, 'reconnect')
                self.attach(socket)
                return
            while time.monotonic() < deadline:
                try:
                    await self.reload()
                except Exception:  # a page that fails to load is tried again, as a person would press reload
                    await asyncio.sleep(RECONNECT_DELAY)
                    continue
                self.notice(self, 'reload')
                return
            self.notice(self, 'lost')
        finally:
            self._recovery = None

    async def close(self) -> None:
        """Close the socket on purpose (no recovery follows)."""
        recovery, self._recovery = self._recovery, None
        if recovery is not None and recovery is not asyncio.current_task():
            recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recovery
        self._live.clear()
        if self._socket is not None:
            await self._socket.close()
            self._socket = None
