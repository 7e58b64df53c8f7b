"""SQLite: a consistent copy of a live database through SQLite's online backup API.

`Connection.backup` with the whole database in one step reads it inside one read transaction: in WAL mode the
writers go on meanwhile, and the copy holds exactly what had committed when the step began (every message
acknowledged before the backup started is in it).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from db.backup.archive import BackupError

BUSY_TIMEOUT_MS = 10_000


def snapshot(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f'there is no SQLite database at {source}')
    with closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)) as live:
        live.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
        with closing(sqlite3.connect(target)) as copy:
            live.backup(copy)  # pages=-1: everything in one step, one snapshot
            # A single file: the copy carries no -wal beside it and opens as a plain database anywhere.
            copy.execute('PRAGMA journal_mode=DELETE')


def schema_revision(database: Path) -> str | None:
    with closing(sqlite3.connect(database)) as connection:
        try:
            row = connection.execute('SELECT version_num FROM alembic_version').fetchone()
        except sqlite3.OperationalError:  # never migrated
            return None
    return str(row[0]) if row else None


def check_integrity(database: Path) -> None:
    try:
        with closing(sqlite3.connect(database)) as connection:
            result = connection.execute('PRAGMA integrity_check').fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f'the database in the archive is damaged: {error}') from error
    if not result or result[0] != 'ok':
        raise BackupError(f'the database in the archive is damaged: {result[0] if result else "no answer"}')
