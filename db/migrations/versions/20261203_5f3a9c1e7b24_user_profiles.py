"""user profiles: full name, title, pronouns, time zone and the uploaded avatar's version on users

Revision ID: 5f3a9c1e7b24
Revises: ebb4518403c7
Create Date: 2026-12-03 10:05:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '5f3a9c1e7b24'
down_revision: str | None = 'ebb4518403c7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_COLUMNS = (('full_name', 80), ('title', 100), ('pronouns', 40), ('time_zone', 64))


def upgrade() -> None:
    # Plain ADD COLUMNs with server defaults: existing people get empty fields and no picture, no table rebuild.
    for name, length in _TEXT_COLUMNS:
        op.add_column(
            'users', sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False, server_default='')
        )
    op.add_column('users', sa.Column('avatar_version', sa.BigInteger(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('avatar_version')
        for name, _ in reversed(_TEXT_COLUMNS):
            batch_op.drop_column(name)
