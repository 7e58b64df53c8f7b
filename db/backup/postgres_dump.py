"""PostgreSQL: `pg_dump --format=custom` for a backup and `pg_restore` into an empty database.

A URL that confines the app to one schema (`?options=-csearch_path=NAME`, as a shared server may) dumps that
schema only, and restores it into the same name: created by the restore, or kept when it already exists
empty. The password travels in PGPASSWORD, never on the command line (where `ps` would show it). pg_dump must
be at least as new as the server; its own message says so when it is not, and we pass that on.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from db.backup.archive import BackupError

_SEARCH_PATH = re.compile(r'(?:^|\s)-c\s*search_path=([A-Za-z_][A-Za-z0-9_]*)(?:\s|$)')
_SCHEMA_ENTRY = re.compile(r'^\d+; \d+ \d+ SCHEMA - ')
INSTALL_HINT = 'install the PostgreSQL client tools (Debian: apt-get install postgresql-client) and run it again'


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f'{name} was not found on PATH, and a PostgreSQL {_job(name)} needs it: {INSTALL_HINT}')
    return found


def dump(url: str, target: Path) -> None:
    schema = confined_schema(url)
    only = [f'--schema={schema}'] if schema is not None else []
    _run([tool('pg_dump'), '--format=custom', '--no-owner', '--no-privileges', *only, f'--file={target}'], url)


def restore(url: str, source: Path) -> None:
    restorer = tool('pg_restore')
    command = [restorer, '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction']
    schema = confined_schema(url)
    if schema is not None and _schema_exists(url, schema):
        # The schema is there (empty, checked before): restore everything but its CREATE SCHEMA.
        listing = subprocess.run([restorer, '--list', str(source)], capture_output=True, text=True, check=False)
        if listing.returncode != 0:
            raise BackupError(f'pg_restore cannot read the dump: {listing.stderr.strip()[-2000:]}')
        entries = [line for line in listing.stdout.splitlines() if not _SCHEMA_ENTRY.match(line)]
        kept = source.with_name(f'{source.name}.list')
        kept.write_text('\n'.join(entries) + '\n')
        command.append(f'--use-list={kept}')
    _run([*command, str(source)], url)


def is_empty(url: str) -> bool:
    """No tables in the schema the URL works in (what this app would create)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            count = connection.execute(
                text('SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()')
            ).scalar()
    finally:
        engine.dispose()
    return not count


def confined_schema(url: str) -> str | None:
    """NAME when the URL's libpq options set `search_path=NAME` (one schema), else None."""
    options = make_url(url).query.get('options')
    joined = options if isinstance(options, str) else ' '.join(options or ())
    match = _SEARCH_PATH.search(joined)
    return match.group(1) if match else None


def _schema_exists(url: str, schema: str) -> bool:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text('SELECT 1 FROM information_schema.schemata WHERE schema_name = :name'), {'name': schema}
            ).first()
    finally:
        engine.dispose()
    return found is not None


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
