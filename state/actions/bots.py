"""Bot users: accounts that programs act as (a token's bot, an incoming webhook). Nobody can log in as one."""

from __future__ import annotations

import secrets

from sqlmodel import Session

from db.models import BOT_EMAIL_DOMAIN, User, Workspace, WorkspaceRole
from state.actions.guards import require_id
from state.actions.workspaces import join_in_session
from state.security import UNUSABLE_PASSWORD


def add_bot(session: Session, workspace: Workspace, display_name: str) -> User:
    """A new bot user, a member of the workspace and its #general (announced when the unit of work commits)."""
    bot = User(
        email=f'bot-{secrets.token_hex(8)}@{BOT_EMAIL_DOMAIN}',
        display_name=display_name,
        password_hash=UNUSABLE_PASSWORD,
    )
    session.add(bot)
    session.flush()
    require_id(bot.id)
    join_in_session(session, workspace, bot, WorkspaceRole.MEMBER)
    return bot
