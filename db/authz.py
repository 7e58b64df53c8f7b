"""Who may do what, each rule defined once: in SQL for lists and counts, in Python for single checks.

db/ holds it because the read-only queries (search) need the SQL form and db/ must not import state/;
state/ wraps the Python forms to raise its typed errors.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, and_, exists, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from db.models import Channel, ChannelKind, ChannelMember, User, WorkspaceMember, WorkspaceRole, fits_id
from db.views import ChannelView

GENERAL_CHANNEL_NAME = 'general'  # every workspace's default channel; it can be neither left nor archived
ADMIN_ROLES = (WorkspaceRole.OWNER, WorkspaceRole.ADMIN)


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
        col(WorkspaceMember.role) != WorkspaceRole.GUEST,  # guests read only the channels they are in
    )
    return and_(
        col(Channel.workspace_id) == workspace_id,
        or_(and_(col(Channel.kind) == ChannelKind.PUBLIC, in_workspace), col(Channel.id).in_(mine)),
    )


def readable_by(user_id: int) -> ColumnElement[bool]:
    """SQL condition on `Channel`: the read rule, for queries that select channels themselves."""
    is_member = exists().where(col(ChannelMember.channel_id) == Channel.id, col(ChannelMember.user_id) == user_id)
    in_workspace = exists().where(
        col(WorkspaceMember.workspace_id) == Channel.workspace_id,
        col(WorkspaceMember.user_id) == user_id,
        col(WorkspaceMember.role) != WorkspaceRole.GUEST,
    )
    return or_(is_member, and_(col(Channel.kind) == ChannelKind.PUBLIC, in_workspace))


def readable_in_session(session: Session, user_id: int, channel_id: int) -> tuple[Channel, ChannelMember | None] | None:
    """Python: the channel and the membership (None for a public channel not joined) when readable, else None."""
    channel = session.get(Channel, channel_id) if fits_id(channel_id) else None
    if channel is None:
        return None
    member = session.get(ChannelMember, (channel_id, user_id))
    if member is not None:
        return channel, member
    workspace_member = session.get(WorkspaceMember, (channel.workspace_id, user_id))
    if channel.kind == ChannelKind.PUBLIC and workspace_member is not None and not is_guest_role(workspace_member.role):
        return channel, None
    return None


def is_admin_role(role: WorkspaceRole | str | None) -> bool:
    return role in ADMIN_ROLES


def is_guest_role(role: WorkspaceRole | str | None) -> bool:
    """Guests see only the channels they were put in, and only the people in those channels."""
    return role == WorkspaceRole.GUEST


def may_create_channels(role: WorkspaceRole | str | None, channel_creators: str) -> bool:
    """Never guests; members unless the workspace lets only admins (`WorkspaceSettings.channel_creators`)."""
    if role is None or is_guest_role(role):
        return False
    return is_admin_role(role) or channel_creators != 'admins'


def channel_mates(viewer_id: int, workspace_id: int) -> SelectOfScalar[int]:
    """SQL: ids of the people who share a conversation of the workspace with `viewer_id` (themselves included)."""
    theirs = aliased(ChannelMember)
    return (
        select(theirs.user_id)
        .select_from(ChannelMember)
        .join(theirs, col(theirs.channel_id) == col(ChannelMember.channel_id))
        .join(Channel, col(Channel.id) == col(ChannelMember.channel_id))
        .where(col(ChannelMember.user_id) == viewer_id, col(Channel.workspace_id) == workspace_id)
    )


def people_visible_to(session: Session, viewer_id: int, workspace_id: int) -> ColumnElement[bool]:
    """SQL condition on `User`: whom `viewer_id` may see in the workspace's people lists and profiles.

    Everyone for members and admins; for a guest, themselves and the people of their conversations. A viewer
    outside the workspace sees nobody.
    """
    member = session.get(WorkspaceMember, (workspace_id, viewer_id)) if fits_id(viewer_id) else None
    if member is None:
        return col(User.id).is_(None)  # never true: ids are never NULL
    if not is_guest_role(member.role):
        return true()
    return or_(col(User.id) == viewer_id, col(User.id).in_(channel_mates(viewer_id, workspace_id)))


def may_see_person(session: Session, viewer_id: int, workspace_id: int, user_id: int) -> bool:
    """Python: the single-person form of `people_visible_to` (a profile, a DM's other side)."""
    member = session.get(WorkspaceMember, (workspace_id, viewer_id)) if fits_id(viewer_id) else None
    if member is None or session.get(WorkspaceMember, (workspace_id, user_id)) is None:
        return False
    if not is_guest_role(member.role) or user_id == viewer_id:
        return True
    mates = channel_mates(viewer_id, workspace_id).subquery()
    return session.exec(select(mates.c.user_id).where(mates.c.user_id == user_id).limit(1)).first() is not None


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
