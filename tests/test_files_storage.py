"""Content-addressed storage: limits while receiving, atomic placement, nothing partial left behind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from state.files import storage
from state.files.errors import FileTooLarge


def _files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob('*') if path.is_file()] if root.exists() else []


def test_staged_file_is_hashed_and_counted() -> None:
    staged = storage.stage_stream([b'hello ', b'world'], limit=100)
    assert staged.size == 11
    assert staged.sha256 == hashlib.sha256(b'hello world').hexdigest()
    assert staged.path.read_bytes() == b'hello world'
    assert staged.path.parent == storage.staging_dir()


def test_limit_stops_receiving_and_leaves_no_partial_file() -> None:
    received: list[int] = []

    def endless() -> object:
        while True:
            received.append(1)
            yield b'x' * 1000

    with pytest.raises(FileTooLarge, match=r'larger than the limit of 4\.9 KB'):
        storage.stage_stream(endless(), limit=5000)  # type: ignore[arg-type]
    assert len(received) == 6  # stopped at the first chunk past the limit, not at the end of the stream
    assert _files_under(storage.uploads_root()) == []


def test_an_error_while_receiving_removes_the_staging_file() -> None:
    def broken() -> object:
        yield b'partial data'
        raise ConnectionResetError('client went away')

    with pytest.raises(ConnectionResetError):
        storage.stage_stream(broken(), limit=1000)  # type: ignore[arg-type]
    assert _files_under(storage.uploads_root()) == []


def test_same_bytes_are_stored_once_under_their_hash() -> None:
    first = storage.stage_bytes(b'same content')
    second = storage.stage_bytes(b'same content')
    target = storage.blob_path(first.sha256)
    assert target.relative_to(storage.uploads_root()).parts == (first.sha256[:2], first.sha256[2:4], first.sha256)
    assert storage.place(first, target) is True
    assert storage.place(second, target) is False  # already there: the duplicate is dropped
    assert target.read_bytes() == b'same content'
    assert _files_under(storage.staging_dir()) == []


def test_blob_paths_accept_only_hashes() -> None:
    with pytest.raises(ValueError):
        storage.blob_path('../../etc/passwd')


def test_stale_staging_files_are_swept() -> None:
    storage.staging_dir().mkdir(parents=True)
    leftover = storage.staging_dir() / 'crashed.part'
    leftover.write_bytes(b'half an upload')
    assert storage.remove_stale_staging(older_than_seconds=3600) == 0
    assert storage.remove_stale_staging(older_than_seconds=-1) == 1
    assert not leftover.exists()


def test_sizes_read_as_people_write_them() -> None:
    shown = [storage.format_size(size) for size in (0, 1, 2, 1023, 1024, 1280, 1536, 1024**2 - 1, 5 * 1024**3)]
    assert shown == ['0 bytes', '1 byte', '2 bytes', '1023 bytes', '1 KB', '1.2 KB', '1.5 KB', '1 MB', '5 GB']
