"""64-bit ids on PostgreSQL

Revision ID: a564b31a544d
Revises: d6ff29460b80
Create Date: 2026-11-27 23:20:41.118861

SQLite's INTEGER is already 64-bit, so only PostgreSQL changes: every id and foreign-key column (and the
attachment size) becomes BIGINT, and the id sequences with it. One ALTER TABLE per table, so each table is
rewritten once.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'a564b31a544d'
down_revision: str | None = 'd6ff29460b80'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: dict[str, tuple[str, ...]] = {
    'users': ('id',),
    'user_sessions': ('id', 'user_id'),
    'workspaces': ('id', 'created_by'),
    'api_tokens': ('id', 'user_id', 'workspace_id'),
    'channels': ('id', 'workspace_id', 'created_by', 'last_message_id'),
    'invites': ('id', 'workspace_id', 'created_by'),
    'workspace_members': ('workspace_id', 'user_id'),
    'channel_members': ('channel_id', 'user_id', 'last_read_message_id'),
    'messages': ('id', 'channel_id', 'author_id', 'thread_root_id'),
    'attachments': ('id', 'message_id', 'channel_id', 'uploader_id', 'size'),
    'mentions': ('message_id', 'user_id', 'channel_id'),
    'reactions': ('id', 'message_id', 'user_id'),
}


def _retype(sql_type: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    for table, columns in COLUMNS.items():
        changes = ', '.join(f'ALTER COLUMN {column} TYPE {sql_type}' for column in columns)
        op.execute(f'ALTER TABLE {table} {changes}')
        if 'id' in columns:
            sequence = bind.execute(sa.text('SELECT pg_get_serial_sequence(:t, :c)'), {'t': table, 'c': 'id'}).scalar()
            if sequence:
                op.execute(f'ALTER SEQUENCE {sequence} AS {sql_type}')


def upgrade() -> None:
    _retype('BIGINT')


def downgrade() -> None:
    _retype('INTEGER')
