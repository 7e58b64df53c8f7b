"""server admins: users.is_server_admin (the live inspector at /admin/live)

Revision ID: d4604b0912da
Revises: 5a1c7e3d9b20
Create Date: 2026-12-03 10:05:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'd4604b0912da'
down_revision: str | None = '5a1c7e3d9b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nobody is a server admin until an operator says so; a plain ADD COLUMN with a server default, no rebuild.
    op.add_column('users', sa.Column('is_server_admin', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_server_admin')
