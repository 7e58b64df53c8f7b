"""pins and saved items: messages pinned to their channel, messages a person saved for later

Revision ID: 5e1a9c7d2b34
Revises: 5f3a9c1e7b24
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '5e1a9c7d2b34'
down_revision: str | None = '5f3a9c1e7b24'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'pins',
        sa.Column('message_id', _ID, nullable=False),
        sa.Column('channel_id', _ID, nullable=False),
        sa.Column('pinned_by', _ID, nullable=True),
        sa.Column('pinned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['pinned_by'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('message_id'),
    )
    with op.batch_alter_table('pins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pins_channel_id'), ['channel_id'], unique=False)
    op.create_table(
        'saved_items',
        sa.Column('user_id', _ID, nullable=False),
        sa.Column('message_id', _ID, nullable=False),
        sa.Column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'message_id'),
    )
    with op.batch_alter_table('saved_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_items_message_id'), ['message_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('saved_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_items_message_id'))
    op.drop_table('saved_items')
    with op.batch_alter_table('pins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pins_channel_id'))
    op.drop_table('pins')
