"""message search index

Revision ID: 29844446e9af
Revises: a564b31a544d
Create Date: 2026-11-28 02:10:00.000000

Full-text search over messages.body (db/search_queries.py reads it), filled from the existing messages.

SQLite: an external-content FTS5 table `messages_fts` (rowid = messages.id) with a prefix index for 2- and
3-letter prefixes, kept in step by three triggers (insert, delete, and an update of `body`: edits, and the
soft delete that blanks the text). Triggers rather than the actions, so every writer, bulk loads included,
keeps the index true. A later migration that rebuilds `messages` on SQLite (batch mode copies the table)
drops these triggers and must create them again; tests/test_search_index.py checks that they exist.

PostgreSQL: a GIN expression index on to_tsvector('simple', body); the queries use the same expression.
"""
from collections.abc import Sequence

from alembic import op


revision: str = '29844446e9af'
down_revision: str | None = 'a564b31a544d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    'CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN '
    'INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END',
    'CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN '
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    'CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN '
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    'INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END',
    # The backfill: reads every existing message once.
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    'DROP TRIGGER IF EXISTS messages_fts_update',
    'DROP TRIGGER IF EXISTS messages_fts_delete',
    'DROP TRIGGER IF EXISTS messages_fts_insert',
    'DROP TABLE IF EXISTS messages_fts',
]
POSTGRESQL_UP = [
    # Building the index is the backfill. (CONCURRENTLY cannot run inside the migration's transaction.)
    "CREATE INDEX ix_messages_body_search ON messages USING gin (to_tsvector('simple'::regconfig, body))",
]
POSTGRESQL_DOWN = ['DROP INDEX IF EXISTS ix_messages_body_search']


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({'sqlite': SQLITE_UP, 'postgresql': POSTGRESQL_UP})


def downgrade() -> None:
    _run({'sqlite': SQLITE_DOWN, 'postgresql': POSTGRESQL_DOWN})
