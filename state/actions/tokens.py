"""API tokens for programs (the Slack-compatible Web API). Only the sha256 of a token is stored."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from db.authz import is_admin_role
from db.engine import read_session
from db.models import ApiToken, App, User, Workspace, WorkspaceMember, utcnow
from state.actions.accounts import clean_display_name
from state.actions.audit import record_audit
from state.actions.bots import add_bot
from state.actions.guards import require_id, workspace_membership
from state.actions.workspaces import WORKSPACE_NOT_FOUND
from state.errors import Forbidden, InvalidInput, NotFound
from state.security import new_token, token_hash
from state.unit_of_work import unit_of_work

TOKEN_NAME_MAX_CHARS = 80
TOKEN_MAX_CHARS = 200  # ours are 43; a longer one is not worth hashing


def create_api_token(
    user_id: int, workspace_id: int, name: str = '', bot_name: str | None = None, ip: str | None = None
) -> str:
    """Create a token for `user_id` in the workspace, or, with `bot_name`, for a new bot user; returns it once.

    A bot is a user with an unusable password, a member of the workspace and its #general; creating one needs
    an owner or admin. A plain token acts as its user, who must be a member.
    """
    label = ' '.join(name.split())
    if len(label) > TOKEN_NAME_MAX_CHARS:
        raise InvalidInput(f'The token name must be at most {TOKEN_NAME_MAX_CHARS} characters long.')
    bot_display_name = clean_display_name(bot_name) if bot_name is not None else None
    with unit_of_work() as uow:
        session = uow.session
        user = session.get(User, user_id)
        workspace = session.get(Workspace, workspace_id)
        member = workspace_membership(session, workspace_id, user_id)
        if user is None or not user.is_active or workspace is None or member is None:
            raise NotFound(WORKSPACE_NOT_FOUND)
        owner_id = user_id
        if bot_display_name is not None:
            if not is_admin_role(member.role):
                raise Forbidden('Only workspace owners and admins can create bots.')
            owner_id = require_id(add_bot(session, workspace, bot_display_name).id)
        token, row = issue_token(
            session, owner_id, workspace_id, label or (bot_display_name or ''), is_bot=bot_display_name is not None
        )
        record_audit(
            uow,
            workspace_id=workspace_id,
            actor_id=user_id,
            action='token.create',
            target_kind='token',
            target_id=row.id,
            detail={'name': row.name, 'bot': bot_display_name is not None},
            ip=ip,
        )
    return token


def issue_token(
    session: Session, user_id: int, workspace_id: int, name: str, *, is_bot: bool, prefix: str = ''
) -> tuple[str, ApiToken]:
    """Store a new token for `user_id` (only its hash) in the caller's transaction; returns it and its row.

    `prefix` is Slack's kind marker (`xoxb-` for an app's bot token); clients such as Bolt look at it.
    """
    token = prefix + new_token()
    row = ApiToken(token_hash=token_hash(token), user_id=user_id, workspace_id=workspace_id, name=name, is_bot=is_bot)
    session.add(row)
    session.flush()
    return token, row


@dataclass(frozen=True)
class TokenIdentity:
    """Who a Web API token acts as, and in which workspace."""

    token_id: int
    user_id: int
    workspace_id: int
    user_name: str
    workspace_name: str
    workspace_slug: str
    is_bot: bool
    app_id: int | None = None  # the app whose bot token this is


def token_identity(token: str) -> TokenIdentity | None:
    """The identity behind a raw token; None when unknown, revoked, or its user left or was deactivated."""
    if not token or len(token) > TOKEN_MAX_CHARS:
        return None
    with read_session() as session:
        found = session.exec(
            select(ApiToken, User, Workspace, App)
            .join(User, col(User.id) == ApiToken.user_id)
            .join(Workspace, col(Workspace.id) == ApiToken.workspace_id)
            .outerjoin(App, col(App.bot_token_id) == ApiToken.id)
            .where(ApiToken.token_hash == token_hash(token))
        ).first()
        if found is None:
            return None
        row, user, workspace, app = found
        if row.revoked_at is not None or not user.is_active or (app is not None and app.disabled):
            return None
        member = session.get(WorkspaceMember, (row.workspace_id, row.user_id))
        if member is None or member.deactivated_at is not None:
            return None
    return TokenIdentity(
        token_id=require_id(row.id),
        user_id=row.user_id,
        workspace_id=row.workspace_id,
        user_name=user.display_name,
        workspace_name=workspace.name,
        workspace_slug=workspace.slug,
        is_bot=row.is_bot,
        app_id=app.id if app is not None else None,
    )


def token_of_inactive_account(token: str) -> bool:
    """Whether a token that `token_identity` refused belongs to a deactivated person (Slack: `account_inactive`),
    rather than being unknown or revoked by its holder. Deactivation revokes the tokens too, so they stay dead
    after a reactivation."""
    if not token or len(token) > TOKEN_MAX_CHARS:
        return False
    with read_session() as session:
        found = session.exec(
            select(User, WorkspaceMember)
            .join(ApiToken, col(ApiToken.user_id) == User.id)
            .join(
                WorkspaceMember,
                (col(WorkspaceMember.user_id) == ApiToken.user_id)
                & (col(WorkspaceMember.workspace_id) == ApiToken.workspace_id),
            )
            .where(ApiToken.token_hash == token_hash(token))
        ).first()
    if found is None:
        return False
    user, member = found
    return not user.is_active or member.deactivated_at is not None


def revoke_api_token(token_id: int, ip: str | None = None) -> bool:
    """Revoke a token; its holder proves it by calling with it (Slack's auth.revoke). False when already revoked."""
    with unit_of_work() as uow:
        session = uow.session
        row = session.get(ApiToken, token_id)
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        session.add(row)
        record_audit(
            uow,
            workspace_id=row.workspace_id,
            actor_id=row.user_id,
            action='token.delete',
            target_kind='token',
            target_id=token_id,
            detail={'name': row.name},
            ip=ip,
        )
    return True
