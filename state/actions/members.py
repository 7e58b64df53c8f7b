"""Workspace members, as owners and admins manage them: roles, deactivation and reactivation.

The rules, checked here whatever the UI shows: only owners and admins act; an admin can neither touch an owner
nor give anyone a role above their own; nobody deactivates themselves; a workspace always keeps an active owner.
Deactivation is per membership. It ends the person's login sessions (their tabs leave for /login, as on a
log-out) and their API tokens of the workspace; if no other workspace of theirs is still active, the account
itself is switched off, so they cannot log in at all. Their messages stay.

`actor_id=None` is the operator (the CLI's `set-member`): no role rules apply to them, but the workspace still
keeps an active owner.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.authz import ROLE_RANK, is_admin_role
from db.models import ApiToken, User, UserSession, Workspace, WorkspaceMember, WorkspaceRole, utcnow
from state.actions.audit import record_audit
from state.actions.guards import active_user, require_id
from state.actions.workspaces import WORKSPACE_NOT_FOUND
from state.bus import user_topic, workspace_topic
from state.errors import Conflict, Forbidden, InvalidInput, NotFound
from state.events import MembershipChanged, SessionEnded
from state.unit_of_work import UnitOfWork, unit_of_work

NOT_A_MEMBER = 'This person is not a member of this workspace.'
LAST_OWNER = 'A workspace needs at least one active owner: make someone else an owner first.'


def parse_role(value: str) -> WorkspaceRole:
    try:
        return WorkspaceRole(value)
    except ValueError:
        raise InvalidInput(f'Unknown role "{value[:20]}": use owner, admin, member or guest.') from None


def set_member_role(actor_id: int | None, workspace_id: int, user_id: int, role: str, ip: str | None = None) -> bool:
    """Give `user_id` the `role`; False when they already had it. The person's tabs follow at once."""
    new_role = parse_role(role)
    with unit_of_work() as uow:
        session = uow.session
        actor = _require_admin(session, actor_id, workspace_id)
        target = _target(session, workspace_id, user_id)
        old_role = WorkspaceRole(target.role)
        if old_role == new_role:
            return False
        _require_may_manage(actor, target)
        if actor is not None and ROLE_RANK[new_role] > ROLE_RANK[WorkspaceRole(actor.role)]:
            raise Forbidden(f'You cannot make anyone {new_role.value}: that is above your own role.')
        if old_role == WorkspaceRole.OWNER:
            _require_another_owner(session, workspace_id, user_id)
        target.role = new_role
        session.add(target)
        record_audit(
            uow,
            workspace_id=workspace_id,
            actor_id=actor_id,
            action='member.role',
            target_kind='user',
            target_id=user_id,
            detail={'from': old_role.value, 'to': new_role.value},
            ip=ip,
        )
        _announce(uow, target)
    return True


def deactivate_member(actor_id: int | None, workspace_id: int, user_id: int, ip: str | None = None) -> bool:
    """Switch the membership off and end the person's sessions and tokens; False when it already was off."""
    if actor_id == user_id:
        raise Forbidden('You cannot deactivate yourself.')
    with unit_of_work() as uow:
        session = uow.session
        actor = _require_admin(session, actor_id, workspace_id)
        target = _target(session, workspace_id, user_id)
        if target.deactivated_at is not None:
            return False
        _require_may_manage(actor, target)
        if target.role == WorkspaceRole.OWNER:
            _require_another_owner(session, workspace_id, user_id)
        now = utcnow()
        target.deactivated_at = now
        session.add(target)
        tokens = _revoke_tokens(session, workspace_id, user_id, now)
        account_off = not _active_elsewhere(session, workspace_id, user_id)
        if account_off:
            user = session.get(User, user_id)
            if user is not None:
                user.is_active = False
                session.add(user)
        sessions = _end_sessions(uow, user_id, now)
        record_audit(
            uow,
            workspace_id=workspace_id,
            actor_id=actor_id,
            action='member.deactivate',
            target_kind='user',
            target_id=user_id,
            detail={'sessions_ended': sessions, 'tokens_revoked': tokens, 'account_deactivated': account_off},
            ip=ip,
        )
        _announce(uow, target)
    return True


def reactivate_member(actor_id: int | None, workspace_id: int, user_id: int, ip: str | None = None) -> bool:
    """Switch the membership (and the account) back on; ended sessions and tokens stay ended."""
    with unit_of_work() as uow:
        session = uow.session
        actor = _require_admin(session, actor_id, workspace_id)
        target = _target(session, workspace_id, user_id)
        if target.deactivated_at is None:
            return False
        _require_may_manage(actor, target)
        target.deactivated_at = None
        session.add(target)
        user = session.get(User, user_id)
        if user is not None and not user.is_active:
            user.is_active = True
            session.add(user)
        record_audit(
            uow,
            workspace_id=workspace_id,
            actor_id=actor_id,
            action='member.reactivate',
            target_kind='user',
            target_id=user_id,
            ip=ip,
        )
        _announce(uow, target)
    return True


def _require_admin(session: Session, actor_id: int | None, workspace_id: int) -> WorkspaceMember | None:
    """The acting admin's membership; None for the operator."""
    if actor_id is None:
        if session.get(Workspace, workspace_id) is None:
            raise NotFound(WORKSPACE_NOT_FOUND)
        return None
    active_user(session, actor_id)
    member = session.get(WorkspaceMember, (workspace_id, actor_id))
    if member is None or member.deactivated_at is not None:
        raise NotFound(WORKSPACE_NOT_FOUND)  # outsiders cannot tell a workspace from a missing one
    if not is_admin_role(member.role):
        raise Forbidden('Only workspace owners and admins can manage members.')
    return member


def _target(session: Session, workspace_id: int, user_id: int) -> WorkspaceMember:
    member = session.get(WorkspaceMember, (workspace_id, user_id))
    if member is None:
        raise NotFound(NOT_A_MEMBER, code='user_not_found')
    return member


def _require_may_manage(actor: WorkspaceMember | None, target: WorkspaceMember) -> None:
    if actor is not None and target.role == WorkspaceRole.OWNER and actor.role != WorkspaceRole.OWNER:
        raise Forbidden('Only an owner can change another owner.')


def _require_another_owner(session: Session, workspace_id: int, user_id: int) -> None:
    others = session.exec(
        select(func.count())
        .select_from(WorkspaceMember)
        .join(User, col(User.id) == WorkspaceMember.user_id)
        .where(
            WorkspaceMember.workspace_id == workspace_id,
            WorkspaceMember.user_id != user_id,
            WorkspaceMember.role == WorkspaceRole.OWNER,
            col(WorkspaceMember.deactivated_at).is_(None),
            col(User.is_active).is_(True),
        )
    ).one()
    if not others:
        raise Conflict(LAST_OWNER)


def _active_elsewhere(session: Session, workspace_id: int, user_id: int) -> bool:
    return (
        session.exec(
            select(WorkspaceMember.workspace_id).where(
                WorkspaceMember.user_id == user_id,
                WorkspaceMember.workspace_id != workspace_id,
                col(WorkspaceMember.deactivated_at).is_(None),
            )
        ).first()
        is not None
    )


def _revoke_tokens(session: Session, workspace_id: int, user_id: int, now: datetime) -> int:
    rows = session.exec(
        select(ApiToken).where(
            ApiToken.user_id == user_id, ApiToken.workspace_id == workspace_id, col(ApiToken.revoked_at).is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    return len(rows)


def _end_sessions(uow: UnitOfWork, user_id: int, now: datetime) -> int:
    """Every login session of the person ends the way a log-out ends one: their tabs leave for /login."""
    rows = uow.session.exec(
        select(UserSession).where(UserSession.user_id == user_id, col(UserSession.revoked_at).is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
        uow.session.add(row)
        uow.publish(user_topic(user_id), SessionEnded(user_id=user_id, session_id=require_id(row.id)))
    return len(rows)


def _announce(uow: UnitOfWork, member: WorkspaceMember) -> None:
    user = uow.session.get(User, member.user_id)
    event = MembershipChanged(
        workspace_id=member.workspace_id,
        user_id=member.user_id,
        display_name=user.display_name if user is not None else '',
        role=WorkspaceRole(member.role).value,
        active=member.deactivated_at is None,
    )
    uow.publish_many([(user_topic(member.user_id), event), (workspace_topic(member.workspace_id), event)])
