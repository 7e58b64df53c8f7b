"""Take a backup of a running server into one tar archive (`main.py backup --out FILE`).

The database comes first (SQLite's online backup API or pg_dump), then the data dir's files: uploads are
content-addressed and never change once written, so copying them after the snapshot can only add a file that
no row of the snapshot names yet (the hourly cleanup removes such leftovers), never miss one it names, unless
that file was deleted meanwhile (counted as `vanished`). The archive is written beside its final name and
renamed into place, so a crash never leaves a half archive under that name; it is readable by its owner only
(it holds everything the data dir does).
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from sqlalchemy.engine import make_url

from db.backup import postgres_dump, sqlite_copy
from db.backup.archive import DATA_DIR, MANIFEST, BackupError, Manifest, database_kind

# NiceGUI's per-browser storage (main.py keeps it in `nicegui/`, several nodes on one machine in `nicegui-N/`):
# it only names log-in sessions, which a restore does not carry over; people log in again. `.staging` holds
# uploads still arriving.
SKIPPED_DIRS = ('nicegui', 'uploads/.staging')
SKIPPED_PREFIX = 'nicegui-'
SQLITE_SIDECARS = ('', '-wal', '-shm', '-journal')


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    bytes: int
    vanished: int  # data files deleted between listing and copying


def take_backup(data_dir: Path, database_url: str, out: Path, *, now: datetime | None = None) -> BackupResult:
    kind = database_kind(database_url)
    out = out.resolve()
    if not out.parent.is_dir():
        raise BackupError(f'the directory for the backup does not exist: {out.parent}')
    if out.exists() and not out.is_file():
        raise BackupError(f'{out} exists and is not a file')
    partial = out.with_name(f'{out.name}.partial')
    with tempfile.TemporaryDirectory(dir=out.parent, prefix='.teamchat-backup-') as work:
        database_copy = Path(work) / ('chat.db' if kind == 'sqlite' else 'chat.pgdump')
        skipped = {out, partial, Path(work).resolve()}
        if kind == 'sqlite':
            source = sqlite_path(database_url).resolve()
            skipped |= {Path(f'{source}{suffix}') for suffix in SQLITE_SIDECARS}
            sqlite_copy.snapshot(source, database_copy)
            revision = sqlite_copy.schema_revision(database_copy)
        else:
            postgres_dump.tool('pg_dump')  # say it is missing before connecting to anything
            revision = postgres_dump.schema_revision(database_url)
            postgres_dump.dump(database_url, database_copy)
        files = sorted(data_files(data_dir, skipped))
        old_umask = os.umask(0o077)
        try:
            with _open_for_writing(partial, gzip=out.name.endswith(('.gz', '.tgz'))) as archive:
                archive.add(database_copy, arcname=f'database/{database_copy.name}', filter=_anonymous)
                copied = sum(_add_file(archive, arcname, path) for arcname, path in files)
                manifest = Manifest(
                    app_version=_app_version(),
                    schema_revision=revision,
                    created_at=now or datetime.now(UTC),
                    database=kind,
                    data_files=copied,
                )
                _add_bytes(archive, MANIFEST, manifest.model_dump_json(indent=2).encode())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        finally:
            os.umask(old_umask)
    os.replace(partial, out)
    return BackupResult(out, manifest, out.stat().st_size, len(files) - copied)


def sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ':memory:':
        raise BackupError('an in-memory SQLite database cannot be backed up')
    return Path(database).absolute()


def data_files(data_dir: Path, skipped: set[Path]) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of the regular files under the data dir, without the live database, NiceGUI's
    storage and the backup itself (`skipped` holds resolved paths)."""
    root = data_dir.resolve()
    if not root.is_dir():
        return
    skipped_dirs = {root / name for name in SKIPPED_DIRS} | skipped
    for directory, subdirectories, names in os.walk(root):  # os.walk does not follow symlinked directories
        here = Path(directory)
        subdirectories[:] = [
            name
            for name in subdirectories
            if here / name not in skipped_dirs and not (here == root and name.startswith(SKIPPED_PREFIX))
        ]
        for name in names:
            path = here / name
            if path not in skipped and path.is_file() and not path.is_symlink():
                yield f'{DATA_DIR}/{path.relative_to(root).as_posix()}', path


def _open_for_writing(path: Path, *, gzip: bool) -> tarfile.TarFile:
    return tarfile.open(path, 'w:gz') if gzip else tarfile.open(path, 'w')


def _add_file(archive: tarfile.TarFile, arcname: str, path: Path) -> bool:
    try:
        with path.open('rb') as stream:
            info = archive.gettarinfo(arcname=arcname, fileobj=stream)
            archive.addfile(_anonymous(info), stream)
    except FileNotFoundError:  # deleted since we listed it (a message and its files went meanwhile)
        return False
    return True


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ''
    info.mode = 0o600
    return info


def _app_version() -> str:
    try:
        return metadata.version('teamchat')
    except metadata.PackageNotFoundError:
        return 'unknown'
