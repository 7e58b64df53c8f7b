"""slash commands: custom commands and their response URLs

Revision ID: e995fd161713
Revises: 8c174c02ac9c
Create Date: 2026-12-02 18:28:22.898305
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'e995fd161713'
down_revision: str | None = '8c174c02ac9c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('slash_commands',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('workspace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('request_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('usage_hint', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('signing_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('verification_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('bot_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('app_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['bot_user_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'name', name='uq_slash_command_workspace_name')
    )
    op.create_index(op.f('ix_slash_commands_workspace_id'), 'slash_commands', ['workspace_id'], unique=False)

    op.create_table('command_response_urls',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('command_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('thread_root_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['command_id'], ['slash_commands.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_command_response_urls_expires_at'), 'command_response_urls', ['expires_at'], unique=False)
    op.create_index(op.f('ix_command_response_urls_secret_hash'), 'command_response_urls', ['secret_hash'], unique=True)



def downgrade() -> None:
    op.drop_index(op.f('ix_command_response_urls_secret_hash'), table_name='command_response_urls')
    op.drop_index(op.f('ix_command_response_urls_expires_at'), table_name='command_response_urls')

    op.drop_table('command_response_urls')
    op.drop_index(op.f('ix_slash_commands_workspace_id'), table_name='slash_commands')

    op.drop_table('slash_commands')
