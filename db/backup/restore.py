"""Restore a backup into an EMPTY data dir (`main.py restore FILE`); the server migrates the schema on start.

Nothing is overwritten: a data dir (or SQLite file, or PostgreSQL schema) that holds anything is refused. The
archive is checked whole before anything is written (archive.py), then unpacked into a staging directory
beside the data dir that takes the data dir's place with one rename, so a failed restore leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

from db.backup import postgres_dump, sqlite_copy
from db.backup.archive import (
    DATA_DIR,
    BackupError,
    Manifest,
    checked_members,
    database_kind,
    read_manifest,
)
from db.backup.take import sqlite_path


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    data_dir: Path
    data_files: int


def restore_backup(archive_path: Path, data_dir: Path, database_url: str) -> RestoreResult:
    old_umask = os.umask(0o077)  # everything restored is the owner's only, as the server keeps its data dir
    try:
        return _restore(archive_path, data_dir, database_url)
    finally:
        os.umask(old_umask)


def _restore(archive_path: Path, data_dir: Path, database_url: str) -> RestoreResult:
    kind = database_kind(database_url)
    if not archive_path.is_file():
        raise BackupError(f'there is no backup file at {archive_path}')
    data_dir = data_dir.absolute()
    require_empty(data_dir)
    with _open_archive(archive_path) as archive:
        members = checked_members(archive)
        manifest = read_manifest(archive, members)
        if manifest.database != kind:
            raise BackupError(
                f'this backup holds a {manifest.database} database, but CHAT_DATABASE_URL names a {kind} one: '
                f'restore it with a {manifest.database} CHAT_DATABASE_URL'
            )
        target_db = sqlite_path(database_url) if kind == 'sqlite' else None
        if target_db is not None and target_db.exists():
            raise BackupError(f'a database already exists at {target_db}; restore only into a new one')
        if kind == 'postgresql' and not postgres_dump.is_empty(database_url):
            raise BackupError('the PostgreSQL database already has tables; restore only into an empty database')
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = data_dir.parent / f'.{data_dir.name}.restoring-{secrets.token_hex(4)}'
        staging.mkdir(mode=0o700)
        try:
            count = 0
            for name, info in members.items():
                if name.startswith(f'{DATA_DIR}/'):
                    _extract(archive, info, staging, name.removeprefix(f'{DATA_DIR}/'))
                    count += 1
            database_file = _extract(archive, members[manifest.database_member], staging, '.restored-database')
            if target_db is not None:
                sqlite_copy.check_integrity(database_file)
            else:
                postgres_dump.restore(database_url, database_file)
                database_file.unlink()
            if data_dir.exists():
                data_dir.rmdir()  # empty, checked above
            os.replace(staging, data_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    if target_db is not None:
        _place_database(data_dir / '.restored-database', target_db)
    return RestoreResult(manifest, data_dir, count)


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, 'r:*')
    except tarfile.TarError as error:
        raise BackupError(f'{path} is not a Teamchat backup (not a tar archive: {error})') from error


def require_empty(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise BackupError(f'{data_dir} is not a directory')
    if data_dir.is_dir() and any(data_dir.iterdir()):
        raise BackupError(
            f'the data dir {data_dir} is not empty; restore only into an empty or new data dir (nothing is '
            'overwritten): move it aside or pass another --data-dir'
        )


def _extract(archive: tarfile.TarFile, info: tarfile.TarInfo, root: Path, relative: str) -> Path:
    target = root / relative
    if not target.absolute().is_relative_to(root.absolute()):  # archive.py refused such names already
        raise BackupError(f'unsafe name in the archive: {info.name!r}')
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = archive.extractfile(info)
    if source is None:
        raise BackupError(f'{info.name!r} cannot be read from the archive')
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never through a planted link
    with source, os.fdopen(descriptor, 'wb') as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    return target


def _place_database(restored: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f'a database appeared at {target} during the restore; the restored one is at {restored}')
    shutil.move(restored, target)  # a rename when both are on one filesystem
