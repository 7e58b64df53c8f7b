"""A light Socket.IO (v5 over Engine.IO v4, websocket only) client for the load generator.

python-socketio's AsyncClient costs a few tasks and timers per connection, and at hundreds of tabs the
generator, not the server, became the limit. This client is one websocket and one reader task per tab. It
hands each event frame to a callback as raw text, so receivers can look for their markers without parsing
JSON they do not need.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp

FrameHandler = Callable[[str], None]
CONNECT_TIMEOUT = 20.0  # socket.io-client's default: a browser gives up on a connection attempt after 20 s
_CONTROL = (aiohttp.WSMsgType.PING, aiohttp.WSMsgType.PONG)  # websocket keep-alive, not an end of the socket


class WireError(Exception):
    pass


class ConnectRefused(WireError):
    """The server answered the namespace connect with an error (NiceGUI: it no longer knows the client)."""


class WireSocket:
    def __init__(self, session: aiohttp.ClientSession, on_frame: FrameHandler) -> None:
        self._session = session
        self._on_frame = on_frame
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._acks: dict[int, asyncio.Future[Any]] = {}
        self._ack_ids = itertools.count()
        self.closed = asyncio.Event()
        self.closed_by_us = False
        self.close_reason = ''

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed and not self.closed.is_set()

    async def connect(self, base_url: str, path: str, query: dict[str, str], timeout: float = CONNECT_TIMEOUT) -> None:
        """Open the websocket and join the default namespace; raises (and leaves nothing open) on failure."""
        try:
            await asyncio.wait_for(self._connect(base_url, path, query), timeout)
        except BaseException:
            if self._ws is not None:
                await self._ws.close()
            self.closed.set()
            raise
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _connect(self, base_url: str, path: str, query: dict[str, str]) -> None:
        ws_base = base_url.replace('http://', 'ws://', 1).replace('https://', 'wss://', 1).rstrip('/')
        params = urlencode({**query, 'EIO': '4', 'transport': 'websocket'})
        url = f'{ws_base}/{path.strip("/")}/?{params}'
        # autoping: answer the server's websocket-level pings as a browser does. Without it, uvicorn's ping
        # (every 20 s) reached the reader as a non-text message, the reader stopped, and uvicorn then closed the
        # unanswered socket: every tab went deaf 20 s after it connected.
        self._ws = await self._session.ws_connect(url, autoping=True, max_msg_size=0)
        opening = await self._ws.receive()
        if opening.type != aiohttp.WSMsgType.TEXT or not opening.data.startswith('0'):
            raise WireError(f'no Engine.IO open packet: {opening.data!r}'[:200])
        await self._ws.send_str('40')
        while True:  # the server may ping before it confirms the namespace
            reply = await self._ws.receive()
            if reply.type in _CONTROL:
                continue
            if reply.type != aiohttp.WSMsgType.TEXT:
                raise WireError(f'connection closed during connect: {reply.type.name}')
            if reply.data == '2':
                await self._ws.send_str('3')
                continue
            if reply.data.startswith('40'):
                return
            if reply.data.startswith('44'):
                raise ConnectRefused(f'namespace refused: {reply.data[2:200]}')
            raise WireError(f'unexpected answer to connect: {reply.data[:200]}')

    async def _read(self) -> None:
        ws = self._ws
        assert ws is not None
        try:
            async for message in ws:
                if message.type in _CONTROL:
                    continue
                if message.type != aiohttp.WSMsgType.TEXT:
                    self.close_reason = f'websocket {message.type.name}'
                    break
                data: str = message.data
                if data == '2':
                    await ws.send_str('3')
                elif data.startswith('42'):
                    self._on_frame(data)
                elif data.startswith('43'):
                    self._resolve_ack(data)
                elif data.startswith('41') or data == '1':
                    self.close_reason = f'server closed ({data})'
                    break
            else:
                self.close_reason = self.close_reason or f'websocket closed ({ws.close_code})'
        except (aiohttp.ClientError, ConnectionError) as error:
            self.close_reason = repr(error)
        except asyncio.CancelledError:
            self.close_reason = 'closed by us'
        finally:
            for future in self._acks.values():
                if not future.done():
                    future.set_exception(WireError('disconnected before the ack'))
            self._acks.clear()
            if not ws.closed:  # a socket we stopped reading must not linger half-open
                with contextlib.suppress(aiohttp.ClientError, ConnectionError):
                    await ws.close()
            self.closed.set()

    def _resolve_ack(self, data: str) -> None:
        bracket = data.index('[')
        future = self._acks.pop(int(data[2:bracket]), None)
        if future is not None and not future.done():
            args = json.loads(data[bracket:])
            future.set_result(args[0] if args else None)

    async def emit(self, event: str, data: Any) -> None:
        if not self.connected:
            raise WireError(f'not connected: {self.close_reason}')
        assert self._ws is not None
        await self._ws.send_str('42' + json.dumps([event, data], separators=(',', ':')))

    async def call(self, event: str, data: Any, timeout: float = 30.0) -> Any:
        """Emit with an ack id and wait for the server's acknowledgement."""
        if not self.connected:
            raise WireError(f'not connected: {self.close_reason}')
        assert self._ws is not None
        ack_id = next(self._ack_ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        await self._ws.send_str(f'42{ack_id}' + json.dumps([event, data], separators=(',', ':')))
        return await asyncio.wait_for(future, timeout)

    async def close(self) -> None:
        self.closed_by_us = True
        if self._ws is not None and not self._ws.closed:
            with contextlib.suppress(aiohttp.ClientError, ConnectionError):
                await self._ws.send_str('41')
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        self.closed.set()
