"""A Matrix client tab against Synapse: an initial /sync, then /sync long-polls; sends are room PUTs.

This is what Element and other Matrix clients do. A reload is a fresh initial sync (timeline limited to the
newest 50 events per room, like our channel page), not an incremental one.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from urllib.parse import quote

import aiohttp

from bench.tabs.base import Tab

SYNC_FILTER = json.dumps(
    {
        'room': {
            'timeline': {'limit': 50},
            'state': {'lazy_load_members': True},
            'account_data': {'not_types': ['*']},
        },
        'presence': {'not_types': ['*']},
        'account_data': {'not_types': ['*']},
    },
    separators=(',', ':'),
)
LONG_POLL_MS = 30_000
_NEXT_BATCH_RE = re.compile(r'"next_batch":"([^"]+)"')
_txn_ids = itertools.count()


class MatrixTab(Tab):
    has_server_ack = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._since = ''
        self._poller: asyncio.Task[None] | None = None
        self.sync_errors = 0

    @property
    def _headers(self) -> dict[str, str]:
        return {'Authorization': f'Bearer {self.spec.secret}'}

    async def _sync(self, timeout_ms: int) -> None:
        params = {'filter': SYNC_FILTER, 'timeout': str(timeout_ms)}
        if self._since:
            params['since'] = self._since
        client_timeout = aiohttp.ClientTimeout(total=timeout_ms / 1000 + 60)
        async with self.session.get(
            f'{self.spec.url}/_matrix/client/v3/sync', params=params, headers=self._headers, timeout=client_timeout
        ) as response:
            raw = await response.text()
            if response.status != 200:
                raise RuntimeError(f'/sync answered {response.status}: {raw[:200]}')
        match = _NEXT_BATCH_RE.search(raw)
        if match is None:
            raise RuntimeError('/sync answer without next_batch')
        self._since = match.group(1)
        if 'BMp' in raw:
            self.sink(self, raw)

    async def open(self) -> None:
        self._since = ''
        await self._sync(0)
        self._poller = asyncio.get_running_loop().create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            try:
                await self._sync(LONG_POLL_MS)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.sync_errors += 1
                self.notice(self, f'drop: sync failed {error!r}'[:120])
                await asyncio.sleep(0.5)  # what clients do: back off briefly, then sync again

    async def send(self, text: str) -> None:
        txn = f'b{next(_txn_ids)}x{id(self)}'
        url = f'{self.spec.url}/_matrix/client/v3/rooms/{quote(self.spec.room)}/send/m.room.message/{txn}'
        async with self.session.put(url, json={'msgtype': 'm.text', 'body': text}, headers=self._headers) as response:
            if response.status != 200:
                raise RuntimeError(f'send answered {response.status}: {(await response.text())[:200]}')
            await response.read()

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
