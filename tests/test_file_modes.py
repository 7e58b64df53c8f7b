"""Start-up makes the data dir private: directories 0700, files 0600, and a umask for what comes later."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from nicegui.testing import User

from hardening.file_modes import restrict


@pytest.fixture
def saved_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_existing_files_and_dirs_become_private(tmp_path: Path, saved_umask: None) -> None:
    data = tmp_path / 'data'
    files = [data / name for name in ('chat.db', 'chat.db-wal', 'chat.db-shm', 'storage-secret')]
    files += [data / 'nicegui' / 'storage-user-1.json', data / 'uploads' / 'ab' / 'cd' / 'file']
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        path.write_bytes(b'x')
        path.chmod(0o644)
    data.chmod(0o755)
    outside = tmp_path / 'outside'
    outside.mkdir(mode=0o755)
    (data / 'elsewhere').symlink_to(outside)

    restrict(data)

    assert all(_mode(path) == 0o600 for path in files)
    assert all(_mode(path) == 0o700 for path in (data, data / 'nicegui', data / 'uploads', data / 'uploads' / 'ab'))
    assert _mode(outside) == 0o755  # a symlink's target is not ours to change


def test_files_created_afterwards_are_private(tmp_path: Path, saved_umask: None) -> None:
    restrict(tmp_path / 'data')
    new_file = tmp_path / 'data' / 'later.db'
    new_file.write_bytes(b'x')
    new_dir = tmp_path / 'data' / 'later'
    new_dir.mkdir()
    assert (_mode(new_file), _mode(new_dir)) == (0o600, 0o700)


async def test_the_server_start_makes_its_data_dir_private(saved_umask: None, user: User) -> None:
    from settings import get_settings

    data = get_settings().data_dir
    assert _mode(data) == 0o700
    assert all(_mode(path) == 0o600 for path in data.rglob('*') if path.is_file())
    assert os.umask(0o077) == 0o077
