"""The migrations build the whole schema from nothing, and agree with the SQLModel tables."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.engine import make_engine
from db.migrate import upgrade_to_head
from db.search_index import in_models_or_index


def migrated_engine(tmp_path: Path) -> Engine:
    engine = make_engine(f'sqlite:///{tmp_path / "schema.db"}')
    upgrade_to_head(engine)
    return engine


def test_upgrade_from_empty_creates_every_table(tmp_path: Path) -> None:
    engine = migrated_engine(tmp_path)
    tables = set(inspect(engine).get_table_names())
    expected = set(SQLModel.metadata.tables)
    assert expected <= tables, f'missing after upgrade: {sorted(expected - tables)}'
    assert 'alembic_version' in tables
    engine.dispose()


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """Like `alembic check`: autogenerate against the migrated database must find nothing to do."""
    engine = migrated_engine(tmp_path)
    with engine.connect() as connection:
        opts = {'compare_type': True, 'include_name': in_models_or_index}  # the search index has no model
        context = MigrationContext.configure(connection, opts=opts)
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == [], f'models differ from migrations; generate a new migration: {differences}'


def test_upgrade_is_repeatable(tmp_path: Path) -> None:
    engine = migrated_engine(tmp_path)
    upgrade_to_head(engine)  # start-up runs it every time; a second run must be a no-op
    with engine.connect() as connection:
        versions = connection.execute(text('SELECT version_num FROM alembic_version')).all()
    engine.dispose()
    assert len(versions) == 1


def test_sqlite_runs_in_wal_with_foreign_keys_and_full_sync(tmp_path: Path) -> None:
    engine = migrated_engine(tmp_path)
    with engine.connect() as connection:
        assert connection.execute(text('PRAGMA journal_mode')).scalar() == 'wal'
        assert connection.execute(text('PRAGMA foreign_keys')).scalar() == 1
        assert connection.execute(text('PRAGMA synchronous')).scalar() == 2  # FULL
        assert connection.execute(text('PRAGMA busy_timeout')).scalar() == 5000
    engine.dispose()
