"""slack import map

Revision ID: 5a1c7e3d9b20
Revises: 216b94d58fa0
Create Date: 2026-12-03 09:50:00

A new table only: which of our rows each Slack id of an imported export became, so imports are idempotent.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '5a1c7e3d9b20'
down_revision: str | None = '216b94d58fa0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('slack_import_map',
    sa.Column('workspace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('slack_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('local_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workspace_id', 'kind', 'slack_id')
    )


def downgrade() -> None:
    op.drop_table('slack_import_map')
