"""Content-addressed file storage under `settings.uploads_dir`.

Layout: `ab/cd/abcd...` (the sha256 of the stored bytes) plus `ab/cd/abcd....thumb` for an image's
thumbnail, and `.staging/` for uploads being received. Staging lives on the same filesystem, so a finished
file enters its final place with one atomic `os.replace`: a reader never sees a partial file, and a failed
or aborted upload leaves nothing behind (its staging file is removed; a crash's leftovers are swept).

The uploads dir is outside every static route; bytes go out only through the authorized download routes.
`LOCK` serialises "place a blob and commit its row" against "check no row uses a blob and delete it", so a
delete never removes bytes that a concurrent upload of the same content has just claimed (one process; see
docs/attachments.md for several nodes).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from settings import get_settings
from state.files.errors import FileTooLarge

LOCK = threading.Lock()
CHUNK_BYTES = 256 * 1024
_SHA256 = re.compile(r'^[0-9a-f]{64}$')


def uploads_root() -> Path:
    return get_settings().uploads_dir


def staging_dir() -> Path:
    return uploads_root() / '.staging'


def blob_path(sha256: str) -> Path:
    if not _SHA256.match(sha256):
        raise ValueError(f'not a sha256 hex digest: {sha256!r}')
    return uploads_root() / sha256[:2] / sha256[2:4] / sha256


def thumb_path(sha256: str) -> Path:
    return blob_path(sha256).with_name(f'{sha256}.thumb')


def limit_message(limit: int) -> str:
    return f'The file is larger than the limit of {format_size(limit)}.'


def format_size(size: int) -> str:
    """ "1 byte", "512 bytes", "1.5 KB", "1 MB": one decimal, dropped when it is 0 (components/chat_format.js
    writes the same text in the browser; e2e/test_format_size.py compares the two)."""
    if size < 1024:
        return '1 byte' if size == 1 else f'{size} bytes'
    value = size / 1024
    for unit in ('KB', 'MB'):
        if float(f'{value:.1f}') < 1024:  # 1048575 bytes round to 1024.0 KB: that is "1 MB"
            return f'{value:.1f} {unit}'.replace('.0 ', ' ')
        value /= 1024
    return f'{value:.1f} GB'.replace('.0 ', ' ')


@dataclass(frozen=True)
class StagedFile:
    path: Path
    size: int
    sha256: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class StagingWriter:
    """Receives bytes into a staging file, hashing and counting as they arrive; past `limit` it stops.

    Use as a context manager: leaving the block without `finish()` (an error, an abort, a limit) deletes
    the partial file.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        directory = staging_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f'{secrets.token_hex(16)}.part'
        self._file: BinaryIO | None = self.path.open('xb')
        self._hash = hashlib.sha256()
        self._finished = False

    def __enter__(self) -> StagingWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close()
        if not self._finished:
            self.path.unlink(missing_ok=True)

    def write(self, chunk: bytes) -> None:
        if self._file is None:
            raise RuntimeError('staging file already closed')
        self.size += len(chunk)
        if self.size > self.limit:
            raise FileTooLarge(limit_message(self.limit))
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> StagedFile:
        if self._file is None:
            raise RuntimeError('staging file already closed')
        self._file.flush()
        os.fsync(self._file.fileno())  # durable before a database row may point at it
        self._close()
        self._finished = True
        return StagedFile(self.path, self.size, self._hash.hexdigest())

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def stage_stream(source: BinaryIO | Iterable[bytes], limit: int) -> StagedFile:
    """Copy a binary file object or an iterable of chunks into staging (with the size limit)."""
    chunks: Iterable[bytes] = _read_chunks(source) if hasattr(source, 'read') else source  # type: ignore[arg-type]
    with StagingWriter(limit) as writer:
        for chunk in chunks:
            writer.write(chunk)
        return writer.finish()


def stage_bytes(data: bytes) -> StagedFile:
    """Stage bytes we produced ourselves (a re-encoded image, a thumbnail); no size limit applies."""
    return stage_stream([data], limit=max(len(data), 1))


def _read_chunks(file: BinaryIO) -> Iterator[bytes]:
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def place(staged: StagedFile, target: Path) -> bool:
    """Move a staged file to its content address unless the same bytes are already there (then drop it).

    Call with `LOCK` held. Returns True when the file was moved into place.
    """
    if target.exists():
        staged.discard()
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.path, target)  # atomic: same filesystem; the target appears complete or not at all
    return True


def remove_blob(sha256: str) -> None:
    """Delete stored bytes and their thumbnail. Call with `LOCK` held, after checking no row uses them."""
    blob_path(sha256).unlink(missing_ok=True)
    thumb_path(sha256).unlink(missing_ok=True)


def stored_hashes(older_than_seconds: float) -> Iterator[str]:
    """Content addresses on disk whose bytes were placed more than `older_than_seconds` ago."""
    root = uploads_root()
    if not root.is_dir():
        return
    cutoff = time.time() - older_than_seconds
    for path in root.glob('[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*'):
        if _SHA256.match(path.name) and path.stat().st_mtime < cutoff:
            yield path.name


def remove_stale_staging(older_than_seconds: float) -> int:
    """Delete staging files left by a crash (a live upload finishes long before this age)."""
    directory = staging_dir()
    if not directory.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in directory.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
