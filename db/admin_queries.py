"""Read-only queries of the admin console: the member list and keyset pages of the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, func, select

from db.authz import is_admin_role, readable_in_workspace
from db.engine import read_session
from db.models import BOT_EMAIL_DOMAIN, UNUSABLE_PASSWORD, AuditEvent, Channel, ChannelKind, User, WorkspaceMember

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    email: str
    name: str
    role: str
    active: bool  # the membership and the account are both on
    claimed: bool = True  # False: imported without a password, waiting for an invitation to its address


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_name: str
    action: str
    target_kind: str
    target_id: int | None
    target_name: str
    detail: str
    ip: str


def member_rows(workspace_id: int, search: str = '') -> list[MemberRow]:
    """The workspace's people (bots aside), by name; `search` matches name or e-mail, case-insensitively."""
    query = (
        select(User, WorkspaceMember)
        .join(WorkspaceMember, col(WorkspaceMember.user_id) == col(User.id))
        .where(WorkspaceMember.workspace_id == workspace_id, ~col(User.email).endswith('@' + BOT_EMAIL_DOMAIN))
        .order_by(func.lower(User.display_name), col(User.id))
    )
    needle = search.strip().lower()
    if needle:
        pattern = '%' + needle.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
        query = query.where(
            func.lower(User.display_name).like(pattern, escape='\\') | col(User.email).like(pattern, escape='\\')
        )
    with read_session() as session:
        rows = session.exec(query).all()
    return [
        MemberRow(
            user_id=int(user.id or 0),
            email=user.email,
            name=user.display_name,
            role=str(member.role),
            active=user.is_active and member.deactivated_at is None,
            claimed=user.password_hash != UNUSABLE_PASSWORD,
        )
        for user, member in rows
    ]


def audit_page(workspace_id: int, before_id: int | None = None, limit: int = AUDIT_PAGE_SIZE) -> list[AuditRow]:
    """Newest first; the next page is `before_id` = the last row's id (keyset, never OFFSET)."""
    query = select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
    if before_id is not None:
        query = query.where(col(AuditEvent.id) < before_id)
    with read_session() as session:
        events = session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all()
        people = {e.actor_id for e in events if e.actor_id is not None}
        people |= {e.target_id for e in events if e.target_kind == 'user' and e.target_id is not None}
        names = (
            dict(session.exec(select(User.id, User.display_name).where(col(User.id).in_(people))).all())
            if people
            else {}
        )
    return [
        AuditRow(
            id=int(e.id or 0),
            at=e.at,
            actor_name=names.get(e.actor_id, 'the operator') if e.actor_id is not None else 'the operator',
            action=e.action,
            target_kind=e.target_kind,
            target_id=e.target_id,
            target_name=names.get(e.target_id, '') if e.target_kind == 'user' and e.target_id is not None else '',
            detail=e.detail,
            ip=e.ip,
        )
        for e in events
    ]


def webhook_channels(user_id: int, workspace_id: int) -> list[tuple[int, str]]:
    """(id, name) of the channels that can take an incoming webhook and `user_id` may read, by name."""
    return open_channels(user_id, workspace_id)


def open_channels(user_id: int, workspace_id: int) -> list[tuple[int, str]]:
    """(id, name) of the unarchived public and private channels `user_id` may read, by name (not DMs)."""
    query = (
        select(Channel.id, Channel.name)
        .where(
            readable_in_workspace(user_id, workspace_id),
            col(Channel.kind).in_((ChannelKind.PUBLIC, ChannelKind.PRIVATE)),
            col(Channel.archived).is_(False),
        )
        .order_by(func.lower(Channel.name))
    )
    with read_session() as session:
        return [(int(cid), name or '') for cid, name in session.exec(query).all() if cid is not None]


def display_name(user_id: int) -> str:
    with read_session() as session:
        user = session.get(User, user_id)
    return user.display_name if user is not None else ''


def is_active_admin(user_id: int, workspace_id: int) -> bool:
    """Asked again on every console event: an owner or admin whose account and membership are both on."""
    with read_session() as session:
        user = session.get(User, user_id)
        member = session.get(WorkspaceMember, (workspace_id, user_id))
    return (
        user is not None
        and user.is_active
        and member is not None
        and member.deactivated_at is None
        and is_admin_role(member.role)
    )
