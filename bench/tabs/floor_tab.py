"""A tab of the floor server: one socket.io connection in a room; sends are acknowledged by the server."""

from __future__ import annotations

from bench.sio_wire import WireSocket
from bench.tabs.socket_tab import SocketTab


class FloorTab(SocketTab):
    has_server_ack = True

    async def _connect(self) -> WireSocket:
        socket = WireSocket(self.session, lambda raw: self.sink(self, raw))
        await socket.connect(self.spec.url, 'socket.io', {'room': self.spec.room})
        return socket

    async def open(self) -> None:
        self.attach(await self._connect())

    async def reconnect(self) -> WireSocket:
        return await self._connect()

    async def send(self, text: str) -> None:
        socket = await self.live_socket()
        await socket.call('send', {'room': self.spec.room, 'user': self.spec.user, 'text': text})
