"""PostgreSQL backups through pg_dump/pg_restore, under a write load (runs with scripts/with_postgres.sh).

Each test owns one schema of the test server (its URL sets `search_path`), so the backup dumps that schema, and
the restore brings it back after the schema was lost: dropped entirely, or recreated empty by a DBA.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from db.backup.archive import BackupError
from db.backup.postgres_dump import confined_schema
from db.backup.restore import restore_backup
from db.backup.take import take_backup
from db.engine import dispose_engine
from settings import get_settings
from tests import postgres_schemas
from tests.backup_support import Writer
from tests.factories import World

pytestmark = pytest.mark.skipif(
    postgres_schemas.configured_url() is None, reason='needs PostgreSQL: bash scripts/with_postgres.sh ...'
)


def _message_ids(url: str) -> set[int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(text('SELECT id FROM messages'))}
    finally:
        engine.dispose()


def _lose_schema(url: str, schema: str, *, recreate: bool) -> None:
    dispose_engine()
    engine = create_engine(url, poolclass=NullPool, isolation_level='AUTOCOMMIT')
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA {schema} CASCADE'))
            if recreate:
                connection.execute(text(f'CREATE SCHEMA {schema}'))
    finally:
        engine.dispose()


@pytest.mark.parametrize('recreate', [False, True], ids=['schema-gone', 'schema-recreated-empty'])
def test_a_postgresql_backup_under_load_restores_every_acknowledged_message(
    world: World, tmp_path: Path, recreate: bool
) -> None:
    settings = get_settings()
    url = settings.resolved_database_url
    schema = confined_schema(url)
    assert schema is not None
    with Writer(world) as writer:
        writer.wait_for(20)
        acknowledged_before = list(writer.acked)
        result = take_backup(settings.data_dir, url, tmp_path / 'pg.tar')
        writer.wait_for(len(writer.acked) + 5)
    assert result.manifest.database == 'postgresql'
    assert result.manifest.schema_revision

    _lose_schema(url, schema, recreate=recreate)
    restore_backup(result.path, tmp_path / 'restored', url)
    ids = _message_ids(url)
    assert set(acknowledged_before) <= ids <= set(writer.acked)
    with pytest.raises(BackupError, match='already has tables'):
        restore_backup(result.path, tmp_path / 'again', url)
