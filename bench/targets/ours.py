"""Target: our app (`python main.py`), with users, channels and history made by bench/targets/ours_setup.py.

Password hashing is set cheaper than production (argon2 8 MiB, t=1) through CHAT_ARGON2_* because logging
500 users in is setup here, not a measured figure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from bench.procs import ROOT, Server, clean_env, free_port
from bench.tabs.base import TabSpec
from bench.targets.base import Target


def server_env(data_dir: Path, port: int) -> dict[str, str]:
    return {
        'CHAT_DATA_DIR': str(data_dir),
        'CHAT_PORT': str(port),
        'CHAT_HOST': '127.0.0.1',
        'CHAT_STORAGE_SECRET': 'bench-storage-secret',
        'CHAT_ARGON2_MEMORY_KIB': '8192',
        'CHAT_ARGON2_TIME_COST': '1',
        'NICEGUI_STORAGE_PATH': str(data_dir / 'nicegui'),
    }


class OursTarget(Target):
    name = 'ours'
    kind = 'ours'
    label = 'ours'
    # How the server is started and anything added to its environment (the memory probe swaps in a traced main).
    server_args: tuple[str, ...] = ('main.py',)
    extra_env: dict[str, str] = {}

    def start(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)
        data_dir = self.workdir / 'data'
        data_dir.mkdir(parents=True)
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        env = server_env(data_dir, self.port)
        setup_file = self.workdir / 'setup.json'
        layout = self.layout
        command = [sys.executable, '-m', 'bench.targets.ours_setup', '--tabs', str(layout.tabs)]
        command += ['--room-size', str(layout.room_size), '--history', str(layout.history), '--out', str(setup_file)]
        done = subprocess.run(command, cwd=ROOT, env=clean_env(env), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f'preparing our data failed:\n{done.stderr[-3000:]}')
        self.setup = json.loads(setup_file.read_text())
        self.server = Server(
            self.name, [sys.executable, *self.server_args], self.workdir / 'server.log', env=env | self.extra_env
        )
        self.server.start()
        self.server.wait_http(f'{self.url}/healthz')
        self.notes.append('users log in through the login form; argon2 cost lowered for setup (8 MiB, t=1)')
        self.notes.append('the big room is #general')

    def specs(self, big_room: bool) -> list[TabSpec]:
        rooms: dict[str, int] = self.setup['rooms']
        specs = []
        for i in range(self.layout.tabs):
            channel = self.setup['big'] if big_room else rooms[str(self.layout.room_of(i))]
            url = f'{self.url}/w/{self.setup["slug"]}/c/{channel}'
            specs.append(
                TabSpec(index=i, room=str(channel), url=url, user=self.setup['users'][i], secret=self.setup['password'])
            )
        return specs
