"""A throwaway `redis-server` on a free loopback port, for the Redis bus tests (unit and two-node e2e).

No persistence, no daemon: the process belongs to the test that started it and is stopped with it. Tests skip
(with the reason) only where the binary is missing; scripts/test.sh installs it on Debian as root, so CI runs them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

BINARY = shutil.which('redis-server') or ('/usr/bin/redis-server' if Path('/usr/bin/redis-server').exists() else None)
MISSING_REASON = 'redis-server is not installed (apt-get install redis-server; scripts/test.sh does it as root)'


def require_redis_server() -> str:
    if BINARY is None:
        pytest.skip(MISSING_REASON)
    return BINARY


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


class RedisServer:
    def __init__(self) -> None:
        self.binary = require_redis_server()
        self.port = _free_port()
        self.url = f'redis://127.0.0.1:{self.port}/0'
        self.workdir = Path(tempfile.mkdtemp(prefix='teamchat-redis-'))
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [self.binary, '--port', str(self.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
        args += ['--dir', str(self.workdir), '--daemonize', 'no', '--loglevel', 'warning']
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'redis-server exited with {self.proc.returncode}')
            if self._answers_ping():
                return
            time.sleep(0.02)
        raise RuntimeError('redis-server did not answer PING within 10 s')

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(('127.0.0.1', self.port), timeout=0.5) as sock:
                sock.sendall(b'PING\r\n')
                return sock.recv(16).startswith(b'+PONG')
        except OSError:
            return False
