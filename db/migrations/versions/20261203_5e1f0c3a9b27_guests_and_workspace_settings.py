"""guests and workspace settings: invites carry a role and channels; workspace_settings

Revision ID: 5e1f0c3a9b27
Revises: d4604b0912da
Create Date: 2026-12-03 09:55:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '5e1f0c3a9b27'
down_revision: str | None = 'd4604b0912da'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workspace_settings',
    sa.Column('workspace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('icon_emoji', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('default_channel_ids', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('channel_creators', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('edit_window_minutes', sa.Integer(), nullable=False),
    sa.Column('delete_others', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('max_upload_bytes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workspace_id')
    )
    op.add_column('invites', sa.Column('role', sa.String(length=16), server_default='member', nullable=False))
    op.add_column(
        'invites',
        sa.Column('channel_ids', sqlmodel.sql.sqltypes.AutoString(length=2000), server_default='', nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table('invites') as batch:
        batch.drop_column('channel_ids')
        batch.drop_column('role')
    op.drop_table('workspace_settings')
