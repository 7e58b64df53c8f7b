"""Reading an uploaded zip without trusting it: names, links, sizes and JSON are all checked before use.

The central directory is checked as a whole before anything is read (so a hostile archive is refused before
the import writes a row): too many members, names that climb out (`..`, absolute, drive letters,
backslashes), symlinks, a member or a total that is too large uncompressed, a compression ratio that only a
bomb has. The sizes the directory claims may lie, so every read is also streamed with the same limit.
"""

from __future__ import annotations

import json
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from state.errors import InvalidInput


class ArchiveRefused(InvalidInput):
    """The archive as a whole cannot be imported; nothing was written."""

    code = 'invalid_archive'


class MemberUnreadable(Exception):
    """One member is not usable JSON of the expected size; the import skips it and says why."""


@dataclass(frozen=True)
class Limits:
    max_members: int = 200_000
    max_member_bytes: int = 64 * 1024 * 1024  # one JSON file, uncompressed
    max_total_bytes: int = 4 * 1024 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed; JSON reaches ~10-30
    ratio_floor_bytes: int = 1024 * 1024  # small members may compress well; the ratio counts above this


_CHUNK = 64 * 1024


class SafeArchive:
    """An open export whose directory passed the checks; `read_json(name)` streams one member with limits."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.limits = limits = limits or Limits()
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as error:
            raise ArchiveRefused(f'This is not a zip file ({error}).') from error
        try:
            self._members = _checked_members(self._zip, limits)
        except ArchiveRefused:
            self._zip.close()
            raise

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        return sorted(self._members)

    def has(self, name: str) -> bool:
        return name in self._members

    def read_json(self, name: str) -> Any:
        info = self._members.get(name)
        if info is None:
            raise MemberUnreadable(f'{name} is not in the archive')
        data = self._read(info)
        try:
            return json.loads(data.decode('utf-8'))
        except (UnicodeDecodeError, ValueError) as error:
            raise MemberUnreadable(f'{name} is not JSON ({error.__class__.__name__})') from error
        except RecursionError as error:
            raise MemberUnreadable(f'{name} nests too deeply') from error

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        limit = self.limits.max_member_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:  # the directory understated the size: stop reading right here
                        raise MemberUnreadable(f'{info.filename} is larger than {limit:,} bytes uncompressed')
                    chunks.append(chunk)
        except (OSError, zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as error:
            raise MemberUnreadable(f'{info.filename} cannot be read ({error})') from error
        return b''.join(chunks)


def _checked_members(archive: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveRefused(f'The archive has {len(infos):,} members; at most {limits.max_members:,} are read.')
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        _check_name(name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveRefused(f'The archive holds a symbolic link ({_shown(name)}); exports have none.')
        if info.is_dir():
            continue
        if info.file_size > limits.max_member_bytes:
            raise ArchiveRefused(
                f'{_shown(name)} is {info.file_size:,} bytes uncompressed; the limit is {limits.max_member_bytes:,}.'
            )
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveRefused(
                f'{_shown(name)} expands {info.file_size // max(info.compress_size, 1):,} times: '
                'this looks like a zip bomb.'
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(f'The archive is larger than {limits.max_total_bytes:,} bytes uncompressed.')
        if name in members:
            raise ArchiveRefused(f'The archive holds {_shown(name)} twice.')
        members[name] = info
    return members


def _check_name(name: str) -> None:
    path = PurePosixPath(name)
    bad = (
        not name
        or '\\' in name
        or '\x00' in name
        or name.startswith('/')
        or (len(name) > 1 and name[1] == ':')  # C:…
        or any(part in ('..', '') for part in path.parts)
    )
    if bad:
        raise ArchiveRefused(f'The archive holds a file with an unsafe name ({_shown(name)}); nothing was imported.')


def _shown(name: str) -> str:
    """A member name as it may appear in a message: printable and short."""
    cleaned = ''.join(ch if ch.isprintable() else '?' for ch in name)
    return repr(cleaned[:120])
