"""The migrations build the whole schema from nothing, and agree with the SQLModel tables."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.engine import make_engine
from db.migrate import alembic_config, upgrade_to_head
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


def test_message_ts_is_backfilled_from_created_at_unique_per_channel(tmp_path: Path) -> None:
    """Rows from before `ts_us`: their send time in microseconds, ties within a channel broken in id order."""
    engine = make_engine(f'sqlite:///{tmp_path / "old.db"}')
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        command.upgrade(config, 'dfd01321294e')  # the schema before the column
    with engine.connect() as connection:
        connection.exec_driver_sql('PRAGMA foreign_keys = OFF')  # messages alone are enough for the backfill
        rows = [
            (1, 10, '2026-11-30 09:00:00.000001'),
            (2, 10, '2026-11-30 09:00:00.000001'),  # the same microsecond as its neighbour
            (3, 11, '2026-11-30 09:00:00.000001'),  # another channel may share it
            (4, 10, '2026-11-30 08:59:59.000000'),  # a clock that went back
        ]
        for row_id, channel_id, created in rows:
            connection.execute(
                text(
                    'INSERT INTO messages (id, channel_id, author_id, also_in_channel, body, html, created_at,'
                    ' reply_count, mentions_all) VALUES (:id, :channel, 1, 0, :body, :body, :created, 0, 0)'
                ),
                {'id': row_id, 'channel': channel_id, 'body': f'old {row_id}', 'created': created},
            )
        connection.commit()
    engine.dispose()  # the next connections check foreign keys again
    upgrade_to_head(engine)
    with engine.connect() as connection:
        stamps: dict[int, int] = dict(connection.execute(text('SELECT id, ts_us FROM messages ORDER BY id')).all())
    engine.dispose()
    at_nine = 1_796_029_200_000_001  # 2026-11-30 09:00:00.000001 UTC
    assert stamps == {1: at_nine, 2: at_nine + 1, 3: at_nine, 4: at_nine + 2}
