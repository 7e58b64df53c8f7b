"""Starting and stopping server processes, and waiting until they answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The parent's environment without test-harness variables that would change how a server starts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_', 'CHAT_'))}
    env['PYTHONUNBUFFERED'] = '1'
    env.update(extra or {})
    return env


class Server:
    """A server subprocess with its log in a file."""

    def __init__(
        self, name: str, args: list[str], log_path: Path, env: dict[str, str] | None = None, cwd: Path = ROOT
    ) -> None:
        self.name = name
        self.args = args
        self.log_path = log_path
        self.env = clean_env(env)
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open('ab') as log:
            self.started_at = time.monotonic()
            self.proc = subprocess.Popen(
                self.args, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_http(self, url: str, timeout: float = 90.0, accept: tuple[int, ...] = (200,)) -> float:
        """Poll url until it answers with an accepted status; seconds since start()."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f'{self.name} exited early:\n{self.log_tail()}')
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status in accept:
                        return time.monotonic() - self.started_at
            except urllib.error.HTTPError as error:
                if error.code in accept:
                    return time.monotonic() - self.started_at
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f'{self.name} did not answer {url} in {timeout} s:\n{self.log_tail()}')

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors='replace')[-chars:] if self.log_path.exists() else ''
