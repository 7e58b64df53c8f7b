"""The archive's layout, its manifest, and the checks a restore makes before it writes anything.

Only `manifest.json`, regular files under `database/` and `data/` and their directories are allowed; a name
that is absolute, climbs out (`..`), repeats, or a member that is a link or a device makes the whole archive
refused, so a hostile archive can never write outside the target.
"""

from __future__ import annotations

import tarfile
from datetime import datetime
from pathlib import PurePosixPath
from typing import Literal

from pydantic import BaseModel, ValidationError

FORMAT: Literal['teamchat-backup'] = 'teamchat-backup'
FORMAT_VERSION = 1
MANIFEST = 'manifest.json'
DATABASE_DIR = 'database'
DATA_DIR = 'data'
SQLITE_MEMBER = f'{DATABASE_DIR}/chat.db'
POSTGRES_MEMBER = f'{DATABASE_DIR}/chat.pgdump'
MAX_MANIFEST_BYTES = 64 * 1024

DatabaseKind = Literal['sqlite', 'postgresql']


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


class Manifest(BaseModel):
    format: Literal['teamchat-backup'] = FORMAT
    format_version: int = FORMAT_VERSION
    app_version: str
    schema_revision: str | None
    created_at: datetime
    database: DatabaseKind
    data_files: int

    @property
    def database_member(self) -> str:
        return SQLITE_MEMBER if self.database == 'sqlite' else POSTGRES_MEMBER


def database_kind(url: str) -> DatabaseKind:
    if url.startswith('sqlite'):
        return 'sqlite'
    if url.startswith('postgresql'):
        return 'postgresql'
    raise BackupError(f'backups support SQLite and PostgreSQL databases, not {url.split(":", 1)[0]}')


def checked_members(archive: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    """Every member by its normalised name, after refusing anything unsafe or unexpected."""
    members: dict[str, tarfile.TarInfo] = {}
    for member in archive.getmembers():
        name = safe_name(member.name)
        if member.isdir():
            if name in (DATABASE_DIR, DATA_DIR) or name.startswith(f'{DATA_DIR}/'):
                continue
            raise BackupError(f'unexpected directory in the archive: {member.name!r}')
        if not member.isfile():
            raise BackupError(f'the archive holds a link or special file, which a backup never does: {member.name!r}')
        if not (name == MANIFEST or name.startswith(f'{DATABASE_DIR}/') or name.startswith(f'{DATA_DIR}/')):
            raise BackupError(f'unexpected file in the archive: {member.name!r}')
        if name in members:
            raise BackupError(f'the archive holds {member.name!r} twice')
        members[name] = member
    return members


def safe_name(raw: str) -> str:
    """The member's name as a plain relative POSIX path, or BackupError for one that could leave the target."""
    if '\\' in raw or '\x00' in raw:
        raise BackupError(f'unsafe name in the archive: {raw!r}')
    path = PurePosixPath(raw)
    if path.is_absolute() or any(part in ('..', '') for part in path.parts) or not path.parts:
        raise BackupError(f'unsafe name in the archive (absolute or climbing out): {raw!r}')
    return str(path)


def read_manifest(archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> Manifest:
    info = members.get(MANIFEST)
    if info is None:
        raise BackupError('this is not a Teamchat backup: it has no manifest.json')
    if info.size > MAX_MANIFEST_BYTES:
        raise BackupError('manifest.json is too large to be a Teamchat manifest')
    stream = archive.extractfile(info)
    if stream is None:
        raise BackupError('manifest.json cannot be read')
    try:
        manifest = Manifest.model_validate_json(stream.read())
    except ValidationError as error:
        raise BackupError(f'manifest.json is not a Teamchat manifest: {error.errors()[0]["msg"]}') from error
    if manifest.format_version > FORMAT_VERSION:
        raise BackupError(
            f'this backup has format version {manifest.format_version}; this version reads up to '
            f'{FORMAT_VERSION}: restore it with a newer Teamchat'
        )
    if manifest.database_member not in members:
        raise BackupError(f'the archive has no {manifest.database_member} for its {manifest.database} database')
    return manifest
