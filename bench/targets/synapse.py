"""Target: Synapse, the Matrix homeserver (a real peer for self-hosted chat in Python), on SQLite.

It runs from its own venv (bench/.venv-synapse, created on first use with the pinned release from PyPI),
listens on loopback only and federates with nobody. Users are registered through the shared-secret admin
API; each small room and the big room are created by their first member and joined by the others. Rate
limits are raised so that they, not the server, do not decide the result (we have none in this path either),
and bcrypt rounds are lowered because registration is setup, not a measured figure.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp

from bench.procs import ROOT, Server, free_port
from bench.tabs.base import TabSpec
from bench.targets.base import BIG_ROOM, Target

SYNAPSE_VERSION = '1.163.2'
VENV = ROOT / 'bench' / '.venv-synapse'
SERVER_NAME = 'bench.local'
SETUP_CONCURRENCY = 8
_HIGH = {'per_second': 10_000, 'burst_count': 10_000}


def ensure_synapse(log: Any = print) -> Path:
    """The venv's python, after installing Synapse into it when it is missing."""
    python = VENV / 'bin' / 'python'
    check = 'import sys, importlib.metadata as m; sys.exit(m.version("matrix-synapse") != sys.argv[1])'
    probe = [str(python), '-c', check, SYNAPSE_VERSION]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    log(f'installing matrix-synapse=={SYNAPSE_VERSION} into {VENV} (once)')
    if not python.exists():
        subprocess.run([sys.executable, '-m', 'venv', str(VENV)], check=True)
    subprocess.run([str(python), '-m', 'pip', 'install', '-q', f'matrix-synapse=={SYNAPSE_VERSION}'], check=True)
    return python


def _config(workdir: Path, port: int, shared_secret: str) -> dict[str, Any]:
    return {
        'server_name': SERVER_NAME,
        'pid_file': str(workdir / 'homeserver.pid'),
        'listeners': [
            {
                'port': port,
                'bind_addresses': ['127.0.0.1'],
                'type': 'http',
                'tls': False,
                'x_forwarded': False,
                'resources': [{'names': ['client'], 'compress': False}],
            }
        ],
        'database': {'name': 'sqlite3', 'args': {'database': str(workdir / 'homeserver.db')}},
        'log_config': str(workdir / 'log.config'),
        'media_store_path': str(workdir / 'media'),
        'signing_key_path': str(workdir / 'signing.key'),
        'registration_shared_secret': shared_secret,
        'macaroon_secret_key': secrets.token_hex(32),
        'form_secret': secrets.token_hex(32),
        'report_stats': False,
        'trusted_key_servers': [],
        'suppress_key_server_warning': True,
        'enable_registration': False,
        'url_preview_enabled': False,
        'bcrypt_rounds': 4,
        'rc_message': _HIGH,
        'rc_registration': _HIGH,
        'rc_login': {'address': _HIGH, 'account': _HIGH, 'failed_attempts': _HIGH},
        'rc_joins': {'local': _HIGH, 'remote': _HIGH},
        'rc_joins_per_room': _HIGH,
        'rc_invites': {'per_room': _HIGH, 'per_user': _HIGH, 'per_issuer': _HIGH},
        'rc_room_creation': _HIGH,
        'rc_presence': {'per_user': _HIGH},
    }


_LOG_CONFIG = """version: 1
formatters:
  plain:
    format: '%(asctime)s %(name)s %(levelname)s %(message)s'
handlers:
  file:
    class: logging.FileHandler
    filename: {path}
    formatter: plain
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


class SynapseTarget(Target):
    name = 'synapse'
    kind = 'matrix'
    label = f'Synapse {SYNAPSE_VERSION}'

    def start(self) -> None:
        python = ensure_synapse()
        shutil.rmtree(self.workdir, ignore_errors=True)  # a fresh database every run
        self.workdir.mkdir(parents=True)
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.shared_secret = secrets.token_hex(16)
        (self.workdir / 'log.config').write_text(_LOG_CONFIG.format(path=self.workdir / 'homeserver.log'))
        config_path = self.workdir / 'homeserver.yaml'
        config_path.write_text(
            json.dumps(_config(self.workdir, self.port, self.shared_secret), indent=1)
        )  # JSON is YAML
        subprocess.run(
            [str(python), '-m', 'synapse.app.homeserver', '-c', str(config_path), '--generate-keys'],
            check=True,
            capture_output=True,
            cwd=self.workdir,
        )
        self.server = Server(
            self.name,
            [str(python), '-m', 'synapse.app.homeserver', '-c', str(config_path)],
            self.workdir / 'server.log',
            cwd=self.workdir,
        )
        self.server.start()
        self.server.wait_http(f'{self.url}/health', timeout=180)
        asyncio.run(self._prepare())
        self.notes.append('rate limits raised and bcrypt rounds lowered (setup only); SQLite database')
        self.notes.append('a reload is a fresh initial /sync with the newest 50 events per room')

    async def _prepare(self) -> None:
        layout = self.layout
        limit = asyncio.Semaphore(SETUP_CONCURRENCY)
        async with aiohttp.ClientSession() as session:
            self.tokens = await asyncio.gather(*(self._register(session, limit, f'u{i}') for i in range(layout.tabs)))
            self.room_ids: dict[str, str] = {}
            for room in range(layout.rooms):
                members = list(range(room * layout.room_size, min((room + 1) * layout.room_size, layout.tabs)))
                self.room_ids[str(room)] = await self._room(session, limit, members)
            self.room_ids[BIG_ROOM] = await self._room(session, limit, list(range(layout.tabs)))
            for room in range(layout.rooms):  # history, so that a (re)load has the usual 50 messages to show
                creator = self.tokens[room * layout.room_size]
                await asyncio.gather(
                    *(
                        self._post(session, limit, creator, self.room_ids[str(room)], f'earlier message {n}')
                        for n in range(layout.history)
                    )
                )

    async def _register(self, session: aiohttp.ClientSession, limit: asyncio.Semaphore, username: str) -> str:
        endpoint = f'{self.url}/_synapse/admin/v1/register'
        password = secrets.token_hex(8)
        async with limit:
            async with session.get(endpoint) as response:
                nonce = (await response.json())['nonce']
            mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
            mac.update(b'\x00'.join([nonce.encode(), username.encode(), password.encode(), b'notadmin']))
            body = {'nonce': nonce, 'username': username, 'password': password, 'admin': False, 'mac': mac.hexdigest()}
            async with session.post(endpoint, json=body) as response:
                answer = await response.json()
        if 'access_token' not in answer:
            raise RuntimeError(f'registering {username} failed: {answer}')
        return str(answer['access_token'])

    async def _room(self, session: aiohttp.ClientSession, limit: asyncio.Semaphore, members: list[int]) -> str:
        creator = {'Authorization': f'Bearer {self.tokens[members[0]]}'}
        async with session.post(
            f'{self.url}/_matrix/client/v3/createRoom', json={'preset': 'public_chat'}, headers=creator
        ) as response:
            room_id = str((await response.json())['room_id'])

        async def join(member: int) -> None:
            headers = {'Authorization': f'Bearer {self.tokens[member]}'}
            async with limit, session.post(f'{self.url}/_matrix/client/v3/join/{room_id}', headers=headers) as answer:
                if answer.status != 200:
                    raise RuntimeError(f'join failed: {answer.status} {await answer.text()}')

        await asyncio.gather(*(join(member) for member in members[1:]))
        return room_id

    async def _post(
        self, session: aiohttp.ClientSession, limit: asyncio.Semaphore, token: str, room_id: str, text: str
    ) -> None:
        url = f'{self.url}/_matrix/client/v3/rooms/{room_id}/send/m.room.message/{secrets.token_hex(8)}'
        async with (
            limit,
            session.put(url, json={'msgtype': 'm.text', 'body': text}, headers={'Authorization': f'Bearer {token}'}),
        ):
            pass

    def specs(self, big_room: bool) -> list[TabSpec]:
        return [
            TabSpec(
                index=i,
                room=self.room_ids[BIG_ROOM if big_room else str(self.layout.room_of(i))],
                url=self.url,
                user=f'u{i}',
                secret=self.tokens[i],
            )
            for i in range(self.layout.tabs)
        ]
