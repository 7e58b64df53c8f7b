"""Read helpers for workspaces, memberships and invites (no writes; actions own those)."""

from __future__ import annotations

from sqlmodel import col, func, select

from db.authz import general_condition, is_admin_role
from db.engine import read_session
from db.models import Channel, Invite, User, Workspace, WorkspaceMember, utcnow

_IS_GENERAL = general_condition()  # built once: it has no parameters


def workspaces_for_user(user_id: int) -> list[Workspace]:
    """The user's workspaces, alphabetically (lower() so that SQLite and PostgreSQL collations agree)."""
    with read_session() as session:
        rows = session.exec(
            select(Workspace)
            .join(WorkspaceMember, col(WorkspaceMember.workspace_id) == col(Workspace.id))
            .where(WorkspaceMember.user_id == user_id, col(WorkspaceMember.deactivated_at).is_(None))
            .order_by(func.lower(Workspace.name), col(Workspace.id))
        ).all()
    return list(rows)


def workspace_by_slug(slug: str) -> Workspace | None:
    with read_session() as session:
        return session.exec(select(Workspace).where(Workspace.slug == slug)).first()


def workspace_by_id(workspace_id: int) -> Workspace | None:
    with read_session() as session:
        return session.get(Workspace, workspace_id)


def workspace_by_name_or_slug(value: str) -> Workspace | None:
    """For the CLI: `--workspace Acme` finds the workspace named "Acme" or the one with slug "acme"."""
    with read_session() as session:
        by_slug = session.exec(select(Workspace).where(Workspace.slug == value.strip().lower())).first()
        if by_slug is not None:
            return by_slug
        by_name = select(Workspace).where(Workspace.name == value.strip()).order_by(col(Workspace.id))
        return session.exec(by_name).first()


def membership(workspace_id: int, user_id: int) -> WorkspaceMember | None:
    with read_session() as session:
        return session.get(WorkspaceMember, (workspace_id, user_id))


def active_membership(workspace_id: int, user_id: int) -> WorkspaceMember | None:
    """The membership unless an admin deactivated it: a deactivated member gets "not found" like a stranger."""
    member = membership(workspace_id, user_id)
    return member if member is not None and member.deactivated_at is None else None


def is_workspace_admin(member: WorkspaceMember | None) -> bool:
    return member is not None and is_admin_role(member.role)


def general_channel(workspace_id: int) -> Channel | None:
    with read_session() as session:
        return session.exec(select(Channel).where(Channel.workspace_id == workspace_id, _IS_GENERAL)).first()


def list_invites(workspace_id: int) -> list[Invite]:
    """All invites of a workspace, newest first (the page shows which are active, expired, used up, revoked)."""
    with read_session() as session:
        rows = session.exec(
            select(Invite).where(Invite.workspace_id == workspace_id).order_by(col(Invite.id).desc())
        ).all()
    return list(rows)


def invite_address(token_sha256: str) -> str:
    """The address a live invite was made for ('' for none): the sign-up form it leads to starts with it."""
    with read_session() as session:
        invite = session.exec(select(Invite).where(Invite.token_hash == token_sha256)).first()
    if invite is None or invite.revoked or invite.uses >= invite.max_uses or invite.expires_at <= utcnow():
        return ''
    return invite.email or ''


def workspace_members(workspace_id: int) -> list[tuple[User, WorkspaceMember]]:
    """Members with their roles, by display name."""
    with read_session() as session:
        rows = session.exec(
            select(User, WorkspaceMember)
            .join(WorkspaceMember, col(WorkspaceMember.user_id) == col(User.id))
            .where(WorkspaceMember.workspace_id == workspace_id)
            .order_by(func.lower(User.display_name), col(User.id))
        ).all()
    return [(user, member) for user, member in rows]
