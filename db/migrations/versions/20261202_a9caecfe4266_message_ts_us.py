"""message ts_us: the send time in microseconds, Slack's `ts`, unique per channel

Revision ID: a9caecfe4266
Revises: dfd01321294e
Create Date: 2026-12-02 18:28:27.087928

Existing rows get their `created_at` in microseconds, made strictly increasing within each channel in id order
(a tie, or a clock that went back, takes the previous value + 1), so the unique index holds and `ts` order is
id order as it is for new sends. Plain ADD COLUMN and CREATE INDEX: `messages` carries the search triggers on
SQLite and must never be rebuilt.
"""
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'a9caecfe4266'
down_revision: str | None = 'dfd01321294e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000
_messages = sa.table(
    'messages',
    sa.column('id', sa.BigInteger()),
    sa.column('channel_id', sa.BigInteger()),
    sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column('ts_us', sa.BigInteger()),
)


def upgrade() -> None:
    op.add_column('messages', sa.Column('ts_us', sa.BigInteger(), server_default='0', nullable=False))
    _backfill(op.get_bind())
    op.create_index('ix_messages_channel_id_ts_us', 'messages', ['channel_id', 'ts_us'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_messages_channel_id_ts_us', table_name='messages')
    op.drop_column('messages', 'ts_us')


def _backfill(bind: sa.engine.Connection) -> None:
    rows = bind.execute(
        sa.select(_messages.c.id, _messages.c.channel_id, _messages.c.created_at).order_by(
            _messages.c.channel_id, _messages.c.id
        )
    )
    update = _messages.update().where(_messages.c.id == sa.bindparam('row_id')).values(ts_us=sa.bindparam('stamp'))
    pending: list[dict[str, int]] = []
    channel, last = None, 0
    for row_id, channel_id, created_at in rows.all():
        if channel_id != channel:
            channel, last = channel_id, 0
        last = max(_epoch_us(created_at), last + 1)
        pending.append({'row_id': row_id, 'stamp': last})
        if len(pending) >= _BATCH:
            bind.execute(update, pending)
            pending = []
    if pending:
        bind.execute(update, pending)


def _epoch_us(moment: datetime) -> int:
    """Microseconds since the epoch (a naive value is UTC), as db.models.epoch_us counts them today."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
