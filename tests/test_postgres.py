"""PostgreSQL only (CHAT_TEST_DATABASE_URL): migrations, 64-bit ids, nodes starting at once, commit order.

Each test starts in a fresh, empty schema of its own (tests/conftest.py), reached through CHAT_DATABASE_URL.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import db.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.engine import init_engine, make_engine
from db.migrate import alembic_config, upgrade_to_head
from db.models import ID, Message
from db.search_index import in_models_or_index
from settings import get_settings
from state.actions.accounts import sign_up
from state.actions.messages import send_message
from state.actions.workspaces import create_workspace
from tests import postgres_schemas
from tests.factories import general_of, recording_bus

pytestmark = pytest.mark.skipif(
    postgres_schemas.configured_url() is None, reason=f'needs {postgres_schemas.URL_VARIABLE} (a PostgreSQL server)'
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def empty() -> Iterator[Engine]:
    """An engine on this test's schema, before any migration."""
    engine = make_engine(get_settings().resolved_database_url)
    yield engine
    engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_the_suite_really_runs_on_a_schema_of_its_own(empty: Engine) -> None:
    with empty.connect() as connection:
        assert connection.dialect.name == 'postgresql'
        schema = connection.execute(text('SELECT current_schema()')).scalar()
    assert isinstance(schema, str) and schema.startswith('test_')  # not public: tests cannot see each other
    assert _tables(empty) == set()


def test_upgrade_from_empty_agrees_with_the_models(empty: Engine) -> None:
    upgrade_to_head(empty)
    assert set(SQLModel.metadata.tables) | {'alembic_version'} == _tables(empty)
    with empty.connect() as connection:
        opts = {'compare_type': True, 'include_name': in_models_or_index}  # the search index has no model
        context = MigrationContext.configure(connection, opts=opts)
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], f'models differ from migrations on PostgreSQL: {differences}'


def test_migrations_go_down_to_nothing_and_up_again(empty: Engine) -> None:
    upgrade_to_head(empty)
    config = alembic_config(empty.url.render_as_string(hide_password=False))
    with empty.begin() as connection:
        config.attributes['connection'] = connection
        command.downgrade(config, 'base')
    assert _tables(empty) == {'alembic_version'}
    upgrade_to_head(empty)
    assert set(SQLModel.metadata.tables) <= _tables(empty)


def test_every_id_column_and_sequence_is_64_bit(empty: Engine) -> None:
    upgrade_to_head(empty)
    columns = [(t.name, c) for t in SQLModel.metadata.tables.values() for c in t.columns]
    keys = [(table, c) for table, c in columns if (c.primary_key or c.foreign_keys) and c.type.python_type is int]
    narrow = [f'{table}.{c.name}' for table, c in keys if c.type is not ID]
    assert narrow == [], 'integer keys must use db.models.ID (64-bit on PostgreSQL)'
    id_columns = [(table, c.name) for table, c in columns if c.type is ID]
    assert len(id_columns) > 20
    inspector = inspect(empty)
    found = {(table, c['name']): str(c['type']) for table in _tables(empty) for c in inspector.get_columns(table)}
    assert {key: found[key] for key in id_columns} == dict.fromkeys(id_columns, 'BIGINT')
    with empty.connect() as connection:
        sequence_types = connection.execute(
            text('SELECT data_type FROM information_schema.sequences WHERE sequence_schema = current_schema()')
        ).all()
    assert len(sequence_types) >= 9 and {row[0] for row in sequence_types} == {'bigint'}


def test_ids_keep_counting_past_32_bits(empty: Engine) -> None:
    upgrade_to_head(empty)
    init_engine(get_settings().resolved_database_url)
    with empty.begin() as connection:
        for table in ('users', 'workspaces', 'channels', 'messages'):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 5000000000)"))
    with recording_bus():
        ada = sign_up('ada@example.com', 'Ada', 'correct horse battery')
        workspace = create_workspace(ada.id or 0, 'Acme')
        message = send_message(ada.id or 0, general_of(workspace).id or 0, 'hello', 'big-1')
    assert min(ada.id or 0, workspace.id or 0, message.id) > 2**32
    assert send_message(ada.id or 0, message.channel_id, 'hello', 'big-1').id == message.id


def test_several_nodes_starting_at_once_all_migrate(empty: Engine) -> None:
    """Each node runs the migrations on start; the advisory lock lets one do it and the others find it done."""
    url = empty.url.render_as_string(hide_password=False)
    script = 'import sys; from db.engine import make_engine; from db.migrate import upgrade_to_head; '
    script += 'upgrade_to_head(make_engine(sys.argv[1]))'
    nodes = [
        subprocess.Popen([sys.executable, '-c', script, url], cwd=REPO, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outcomes = [(node.communicate(timeout=120)[1], node.returncode) for node in nodes]
    assert [error for error, code in outcomes if code != 0] == []
    with empty.connect() as connection:
        assert len(connection.execute(text('SELECT version_num FROM alembic_version')).all()) == 1


def test_sends_to_one_channel_commit_in_id_order(empty: Engine) -> None:
    """A send that got its id first also commits first, so "messages after id N" never skips a late commit."""
    upgrade_to_head(empty)
    init_engine(get_settings().resolved_database_url)
    with recording_bus():
        ada = sign_up('ada@example.com', 'Ada', 'correct horse battery')
        general = general_of(create_workspace(ada.id or 0, 'Acme')).id or 0
        first_inserted, release_first = threading.Event(), threading.Event()
        finished: list[int] = []

        def pause_first_send(session: Session, _context: object) -> None:
            if threading.current_thread().name == 'first' and any(isinstance(o, Message) for o in session.new):
                first_inserted.set()
                assert release_first.wait(timeout=30)

        def send(text: str) -> None:
            finished.append(send_message(ada.id or 0, general, text, None).id)

        event.listen(Session, 'after_flush', pause_first_send)
        first = threading.Thread(target=send, args=('first',), name='first')
        second = threading.Thread(target=send, args=('second',), name='second')
        try:
            first.start()
            assert first_inserted.wait(timeout=30)  # holds its id, not yet committed
            second.start()
            while second.is_alive() and not _waits_for_a_lock(empty):
                second.join(timeout=0.01)
            assert second.is_alive(), 'the second send committed while the first was still open'
        finally:
            release_first.set()
            first.join(timeout=30)
            second.join(timeout=30)
            event.remove(Session, 'after_flush', pause_first_send)
    assert len(finished) == 2 and finished == sorted(finished)


def _waits_for_a_lock(engine: Engine) -> bool:
    with engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND application_name = current_setting('application_name')"
            )
        ).scalar()
    return bool(waiting)
