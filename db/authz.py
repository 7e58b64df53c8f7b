"""Who may do what, each rule defined once: in SQL for lists and counts, in Python for single checks.

db/ holds it because the read-only queries (search) need the SQL form and db/ must not import state/;
state/ wraps the Python forms to raise its typed errors.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, and_, exists, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from db.models import Channel, ChannelKind, ChannelMember, User, WorkspaceMember, WorkspaceRole, fits_id
from db.views import ChannelView

GENERAL_CHANNEL_NAME = 'general'  # every workspace's default channel; it can be neither left nor archived
ADMIN_ROLES = (WorkspaceRole.OWNER, WorkspaceRole.ADMIN)
# Higher may do more; nobody hands out a role above their own (state/actions/members.py).
ROLE_RANK = {WorkspaceRole.GUEST: 0, WorkspaceRole.MEMBER: 1, WorkspaceRole.ADMIN: 2, WorkspaceRole.OWNER: 3}


def readable_channel_ids(user_id: int, workspace_id: int) -> SelectOfScalar[int | None]:
    """SQL: ids of the workspace's channels `user_id` may read (a member, or public and a workspace member)."""
    return select(col(Channel.id)).where(readable_in_workspace(user_id, workspace_id))


def readable_in_workspace(
    user_id: int | BindParameter[int], workspace_id: int | BindParameter[int]
) -> ColumnElement[bool]:
    """SQL condition on `Channel`: the workspace's channels `user_id` may read, for search and lists.

    The same rule as `readable_by`, shaped for one workspace: its membership is asked once, not per channel,
    and the user's channels are one range of the channel_members user index. Hot paths build it once with
    `bindparam()`s and pass the ids when they execute.
    """
    mine = select(ChannelMember.channel_id).where(ChannelMember.user_id == user_id)
    in_workspace = exists().where(
        col(WorkspaceMember.workspace_id) == workspace_id,
        col(WorkspaceMember.user_id) == user_id,
        col(WorkspaceMember.deactivated_at).is_(None),
    )
    return and_(
        col(Channel.workspace_id) == workspace_id,
        in_workspace,
        or_(col(Channel.kind) == ChannelKind.PUBLIC, col(Channel.id).in_(mine)),
    )


def readable_by(user_id: int) -> ColumnElement[bool]:
    """SQL condition on `Channel`: the read rule, for queries that select channels themselves."""
    is_member = exists().where(col(ChannelMember.channel_id) == Channel.id, col(ChannelMember.user_id) == user_id)
    in_workspace = exists().where(
        col(WorkspaceMember.workspace_id) == Channel.workspace_id,
        col(WorkspaceMember.user_id) == user_id,
        col(WorkspaceMember.deactivated_at).is_(None),
    )
    return and_(in_workspace, or_(is_member, col(Channel.kind) == ChannelKind.PUBLIC))


def readable_in_session(session: Session, user_id: int, channel_id: int) -> tuple[Channel, ChannelMember | None] | None:
    """Python: the channel and the membership (None for a public channel not joined) when readable, else None."""
    channel = session.get(Channel, channel_id) if fits_id(channel_id) else None
    if channel is None:
        return None
    workspace_member = session.get(WorkspaceMember, (channel.workspace_id, user_id))
    if workspace_member is None or workspace_member.deactivated_at is not None:
        return None  # a deactivated member reads nothing of the workspace
    member = session.get(ChannelMember, (channel_id, user_id))
    if member is not None:
        return channel, member
    if channel.kind == ChannelKind.PUBLIC:
        return channel, None
    return None


def is_admin_role(role: WorkspaceRole | str | None) -> bool:
    return role in ADMIN_ROLES


def is_read_only(channel: Channel | ChannelView) -> bool:
    """Archived channels are read-only for everyone."""
    return channel.archived


def is_general(kind: ChannelKind | str, name: str | None) -> bool:
    return kind == ChannelKind.PUBLIC and name == GENERAL_CHANNEL_NAME


def general_condition() -> ColumnElement[bool]:
    """SQL condition on `Channel`: `is_general`, for finding a workspace's #general."""
    return and_(col(Channel.name) == GENERAL_CHANNEL_NAME, col(Channel.kind) == ChannelKind.PUBLIC)


def may_leave(kind: ChannelKind | str, name: str | None) -> bool:
    """Everyone stays in #general."""
    return not is_general(kind, name)


def may_archive(kind: ChannelKind | str, name: str | None) -> bool:
    """Channels only (not DMs), and never #general."""
    return kind in (ChannelKind.PUBLIC, ChannelKind.PRIVATE) and not is_general(kind, name)


def is_active_user(user: User | None) -> bool:
    return user is not None and user.is_active
