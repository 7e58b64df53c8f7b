"""A tab of the floor server: one socket.io connection in a room; sends are acknowledged by the server."""

from __future__ import annotations

from bench.sio_wire import WireSocket
from bench.tabs.base import Tab


class FloorTab(Tab):
    has_server_ack = True

    _socket: WireSocket | None = None

    async def open(self) -> None:
        self._socket = WireSocket(self.session, lambda raw: self.sink(self, raw))
        await self._socket.connect(self.spec.url, 'socket.io', {'room': self.spec.room})

    async def send(self, text: str) -> None:
        assert self._socket is not None
        await self._socket.call('send', {'room': self.spec.room, 'user': self.spec.user, 'text': text})

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
