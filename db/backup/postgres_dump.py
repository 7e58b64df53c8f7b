"""PostgreSQL: `pg_dump --format=custom` for a backup and `pg_restore` into an empty database.

The password travels in PGPASSWORD, never on the command line (where `ps` would show it). pg_dump must be at
least as new as the server; its own message says so when it is not, and we pass that on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from db.backup.archive import BackupError

INSTALL_HINT = 'install the PostgreSQL client tools (Debian: apt-get install postgresql-client) and run it again'


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f'{name} was not found on PATH, and a PostgreSQL {_job(name)} needs it: {INSTALL_HINT}')
    return found


def dump(url: str, target: Path) -> None:
    _run([tool('pg_dump'), '--format=custom', '--no-owner', '--no-privileges', f'--file={target}'], url)


def restore(url: str, source: Path) -> None:
    _run(
        [tool('pg_restore'), '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', str(source)],
        url,
    )


def is_empty(url: str) -> bool:
    """No tables in the database's current schema (what this app would create)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return not inspect(connection).get_table_names()
    finally:
        engine.dispose()


def schema_revision(url: str) -> str | None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table('alembic_version'):
                return None
            value = connection.execute(text('SELECT version_num FROM alembic_version')).scalar()
    finally:
        engine.dispose()
    return str(value) if value is not None else None


def _run(command: list[str], url: str) -> None:
    conninfo, password = _libpq(url)
    env = dict(os.environ)
    if password is not None:
        env['PGPASSWORD'] = password
    done = subprocess.run([*command, f'--dbname={conninfo}'], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f'{name} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}')


def _libpq(url: str) -> tuple[str, str | None]:
    """SQLAlchemy's `postgresql+psycopg://…` as a libpq URI without the password, and the password."""
    parsed = make_url(url)
    bare = URL.create(
        'postgresql',
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=False), parsed.password


def _job(name: str) -> str:
    return 'backup' if name == 'pg_dump' else 'restore'
