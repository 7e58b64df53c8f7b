"""Playwright against a real server subprocess and the system Chromium (one browser context per user)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
LAUNCH_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`python main.py` on a free port with its own data dir; extra CHAT_* settings come from `env`."""

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, entry: tuple[str, ...] = ('main.py',)
    ) -> None:
        self.data_dir = data_dir
        self.entry = entry  # what runs the server: main.py, or a test's module that adds a page first
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.log_path = data_dir.parent / f'server-{self.port}.log'
        self.extra_env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        # pytest's and NiceGUI's own variables would make the child think it runs under a test harness.
        env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_', 'CHAT_'))}
        env.update(
            CHAT_DATA_DIR=str(self.data_dir),
            CHAT_PORT=str(self.port),
            CHAT_HOST='127.0.0.1',
            CHAT_RECONNECT_TIMEOUT='5',
            NICEGUI_STORAGE_PATH=str(self.data_dir / 'nicegui'),
        )
        env.update(self.extra_env)
        return env

    def run(self, *args: str) -> str:
        """Run a CLI command (create-user, create-token, seed-demo) against this server's data."""
        done = subprocess.run(
            [sys.executable, 'main.py', *args],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    def start(self) -> None:
        with self.log_path.open('ab') as log:
            self.proc = subprocess.Popen(
                [sys.executable, *self.entry], cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'server exited early:\n{self.log_path.read_text()[-4000:]}')
            try:
                with urllib.request.urlopen(self.url + '/healthz', timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f'server did not become healthy:\n{self.log_path.read_text()[-4000:]}')

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log_tail(self) -> str:
        return self.log_path.read_text()[-4000:] if self.log_path.exists() else ''


@contextmanager
def started(
    data_dir: Path, env: dict[str, str] | None = None, entry: tuple[str, ...] = ('main.py',)
) -> Iterator[ServerProcess]:
    """A server of its own for the block (stopped afterwards, also when the test killed it)."""
    process = ServerProcess(data_dir, env, entry)
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope='session')
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the whole e2e session; tests use fresh users and workspaces to stay independent."""
    with started(tmp_path_factory.mktemp('server') / 'data') as process:
        yield process


@pytest.fixture(scope='session')
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope='session')
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = CHROMIUM if Path(CHROMIUM).exists() else None  # elsewhere: Playwright's own Chromium
    browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
    yield browser
    browser.close()
