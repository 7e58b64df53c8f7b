"""A locked database stalls nobody but the one waiting writer: /healthz and other requests keep answering.

Another process holds SQLite's write lock (as a backup tool or a long migration would). A Web API write waits
in a worker thread meanwhile; a short lock ends with the write done, a long one with Slack's retryable answer
(503 `service_unavailable`, Retry-After), and everything acknowledged before is still there afterwards.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from e2e.chat_helpers import create_user, unique_workspace
from e2e.conftest import ServerProcess, started

HEALTHZ_BUDGET_SECONDS = 0.2


@pytest.fixture(scope='module')
def locked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with started(tmp_path_factory.mktemp('locked') / 'data') as process:
        yield process


@contextmanager
def write_lock(server: ServerProcess) -> Iterator[None]:
    holder = sqlite3.connect(server.data_dir / 'chat.db', timeout=10, isolation_level=None)
    holder.execute('BEGIN IMMEDIATE')  # takes the write lock; readers (WAL) go on
    try:
        yield
    finally:
        holder.execute('ROLLBACK')
        holder.close()


def slowest_healthz_while(server: ServerProcess, busy: threading.Thread) -> float:
    slowest = 0.0
    with httpx.Client(base_url=server.url, timeout=5) as client:
        while busy.is_alive():
            started = time.monotonic()
            assert client.get('/healthz').status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.05)  # a poll interval, not a wait for the result
    return slowest


def general_id(server: ServerProcess, token: str) -> str:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        listed = client.get('/api/conversations.list', headers={'Authorization': f'Bearer {token}'}).json()
    return str(next(c['id'] for c in listed['channels'] if c['name'] == 'general'))


def post(server: ServerProcess, token: str, channel: str, text: str) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        return client.post(
            '/api/chat.postMessage',
            data={'channel': channel, 'text': text},
            headers={'Authorization': f'Bearer {token}'},
        )


def post_in_background(
    server: ServerProcess, token: str, channel: str, text: str
) -> tuple[threading.Thread, list[httpx.Response]]:
    answers: list[httpx.Response] = []

    def send() -> None:
        answers.append(post(server, token, channel, text))

    thread = threading.Thread(target=send)
    thread.start()
    return thread, answers


def history(server: ServerProcess, token: str, channel: str) -> list[str]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        found = client.get(
            '/api/conversations.history', params={'channel': channel}, headers={'Authorization': f'Bearer {token}'}
        ).json()
    return [m['text'] for m in found['messages']]


@pytest.mark.parametrize(('seconds', 'stored'), [(2, True), (10, False)])
def test_a_locked_database_keeps_healthz_fast_and_loses_nothing(
    locked_server: ServerProcess, seconds: int, stored: bool
) -> None:
    workspace = unique_workspace()
    owner = create_user(locked_server, 'Ada', workspace)
    token = locked_server.run('create-token', '--email', owner, '--workspace', workspace).strip()
    general = general_id(locked_server, token)
    assert post(locked_server, token, general, 'acknowledged before the lock').json()['ok'] is True

    text = f'written during a {seconds} s lock'
    with write_lock(locked_server):
        thread, answers = post_in_background(locked_server, token, general, text)
        release = threading.Timer(seconds, lambda: None)
        release.start()
        slowest = slowest_healthz_while(locked_server, release)
    thread.join(30)

    assert slowest < HEALTHZ_BUDGET_SECONDS, f'/healthz took {slowest:.3f} s while the database was locked'
    [answer] = answers
    if stored:
        assert answer.status_code == 200 and answer.json()['ok'] is True
    else:  # longer than the busy timeout: a clear answer that the client may retry
        assert answer.status_code == 503
        assert answer.json() == {'ok': False, 'error': 'service_unavailable'}
        assert answer.headers['Retry-After'] == '1'
    texts = history(locked_server, token, general)
    assert 'acknowledged before the lock' in texts
    assert (text in texts) is stored
