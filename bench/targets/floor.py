"""Target: the bare python-socketio broadcast server (the floor of this stack)."""

from __future__ import annotations

import sys

from bench.procs import Server, free_port
from bench.tabs.base import TabSpec
from bench.targets.base import BIG_ROOM, Target


class FloorTarget(Target):
    name = 'floor'
    kind = 'floor'
    label = 'bare socket.io'

    def start(self) -> None:
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.server = Server(
            self.name,
            [sys.executable, '-m', 'bench.targets.floor_server', '--port', str(self.port)],
            self.workdir / 'server.log',
        )
        self.server.start()
        self.server.wait_http(f'{self.url}/socket.io/?EIO=4&transport=polling')
        self.notes.append('no database and no history: the floor only moves messages')

    def specs(self, big_room: bool) -> list[TabSpec]:
        return [
            TabSpec(index=i, room=BIG_ROOM if big_room else str(self.layout.room_of(i)), url=self.url, user=str(i))
            for i in range(self.layout.tabs)
        ]
