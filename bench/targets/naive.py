"""Target: the naive NiceGUI pattern (a page per tab, a `ui.chat_message` element per message per tab)."""

from __future__ import annotations

import sys

from bench.procs import Server, free_port
from bench.tabs.base import TabSpec
from bench.targets.base import BIG_ROOM, Target


class NaiveTarget(Target):
    name = 'naive'
    kind = 'naive'
    label = 'naive NiceGUI'

    def start(self) -> None:
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        args = [
            sys.executable,
            '-m',
            'bench.targets.naive_app',
            '--port',
            str(self.port),
            '--rooms',
            str(self.layout.rooms),
            '--history',
            str(self.layout.history),
        ]
        self.server = Server(
            self.name, args, self.workdir / 'server.log', env={'NICEGUI_STORAGE_PATH': str(self.workdir / 'nicegui')}
        )
        self.server.start()
        self.server.wait_http(f'{self.url}/healthz')
        self.notes.append('history lives in memory; the big room starts empty')

    def specs(self, big_room: bool) -> list[TabSpec]:
        specs = []
        for i in range(self.layout.tabs):
            room = BIG_ROOM if big_room else str(self.layout.room_of(i))
            specs.append(TabSpec(index=i, room=room, url=f'{self.url}/room/{room}?user=u{i}', user=str(i)))
        return specs
