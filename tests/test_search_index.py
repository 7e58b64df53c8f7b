"""The search index as a schema object: the migration fills it from existing messages, and the triggers exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from db.engine import get_engine, init_engine
from db.migrate import alembic_config, upgrade_to_head
from db.search_index import FTS_TRIGGERS
from db.search_queries import search_messages, search_scope
from db.search_syntax import parse
from settings import get_settings

BEFORE_SEARCH = 'a564b31a544d'


def no_people(_text: str, _start: int) -> None:
    return None


def test_the_migration_indexes_messages_that_existed_before_it(isolated_data_dir: Path) -> None:
    isolated_data_dir.mkdir(parents=True, exist_ok=True)
    engine = init_engine(get_settings().resolved_database_url)
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes['connection'] = connection
        command.upgrade(config, BEFORE_SEARCH)
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO users (id, email, display_name, password_hash, is_active, created_at, status_text, '
                "status_emoji, send_read_receipts) VALUES (1, 'a@example.com', 'Ada', 'x', true, "
                "CURRENT_TIMESTAMP, '', '', true)"
            )
        )
        connection.execute(
            text(
                'INSERT INTO workspaces (id, name, slug, created_at, extra_upload_types) '
                "VALUES (1, 'Acme', 'acme', CURRENT_TIMESTAMP, '')"
            )
        )
        connection.execute(
            text(
                'INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) '
                "VALUES (1, 1, 'owner', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                'INSERT INTO channels (id, workspace_id, kind, name, topic, archived, created_at, last_message_id) '
                "VALUES (1, 1, 'public', 'general', '', false, CURRENT_TIMESTAMP, 0)"
            )
        )
        for n, body in enumerate(['an old aardvark story', 'nothing to see', 'aardvarks again'], start=1):
            connection.execute(
                text(
                    'INSERT INTO messages (id, channel_id, author_id, also_in_channel, body, html, created_at, '
                    'reply_count, mentions_all) VALUES (:id, 1, 1, false, :body, :body, CURRENT_TIMESTAMP, 0, false)'
                ),
                {'id': n, 'body': body},
            )
    upgrade_to_head(engine)
    page = search_messages(1, search_scope(1, 1), parse('aardvark', no_people))
    assert [hit.message_id for hit in page.hits] == [3, 1]  # "aardvarks" by prefix, newest first
    get_engine().dispose()


@pytest.mark.usefixtures('db')
def test_sqlite_keeps_the_index_with_triggers() -> None:
    engine = get_engine()
    if engine.dialect.name != 'sqlite':
        pytest.skip('PostgreSQL indexes an expression; there are no triggers to check')
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
    # A later migration that rebuilds `messages` (SQLite batch mode) drops triggers: it must create them again.
    assert set(FTS_TRIGGERS) <= set(names)
