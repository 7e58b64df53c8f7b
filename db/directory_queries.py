"""Read helpers for the channel browser and people pickers (no writes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from db.authz import people_visible_to
from db.engine import read_session
from db.models import Channel, ChannelKind, ChannelMember, User, WorkspaceMember


@dataclass(frozen=True)
class PublicChannel:
    id: int
    name: str
    topic: str
    archived: bool
    member_count: int
    is_member: bool


def public_channels(workspace_id: int, user_id: int) -> list[PublicChannel]:
    """Every public channel of the workspace with its member count and whether `user_id` is in it."""
    with read_session() as session:
        counts = (
            select(ChannelMember.channel_id, func.count().label('members'))
            .group_by(col(ChannelMember.channel_id))
            .subquery()
        )
        mine = select(ChannelMember.channel_id).where(ChannelMember.user_id == user_id)
        rows = session.exec(
            select(Channel, func.coalesce(counts.c.members, 0), col(Channel.id).in_(mine))
            .outerjoin(counts, counts.c.channel_id == Channel.id)
            .where(Channel.workspace_id == workspace_id, Channel.kind == ChannelKind.PUBLIC)
            .order_by(col(Channel.name))
        ).all()
    return [
        PublicChannel(c.id or 0, c.name or '', c.topic, c.archived, int(members), bool(is_member))
        for c, members, is_member in rows
    ]


def workspace_people(workspace_id: int) -> dict[int, str]:
    """Display names of the workspace's active members, by user id."""
    with read_session() as session:
        rows = session.exec(
            select(User.id, User.display_name)
            .join(WorkspaceMember, col(WorkspaceMember.user_id) == col(User.id))
            .where(WorkspaceMember.workspace_id == workspace_id, col(User.is_active).is_(True))
        ).all()
    return {int(uid): name for uid, name in rows if uid is not None}


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    status_text: str
    status_emoji: str
    last_active_at: datetime | None


def workspace_directory(workspace_id: int, viewer_id: int) -> list[Person]:
    """The workspace's active members whom `viewer_id` may see (a guest: the people of their channels), with
    their custom status and last activity, by name."""
    with read_session() as session:
        rows = session.exec(
            select(User)
            .join(WorkspaceMember, col(WorkspaceMember.user_id) == col(User.id))
            .where(
                WorkspaceMember.workspace_id == workspace_id,
                col(User.is_active).is_(True),
                people_visible_to(session, viewer_id, workspace_id),
            )
            .order_by(func.lower(User.display_name))
        ).all()
    return [Person(u.id or 0, u.display_name, u.status_text, u.status_emoji, u.last_active_at) for u in rows]


def visible_people_ids(workspace_id: int, viewer_id: int) -> frozenset[int]:
    """Ids of the workspace members `viewer_id` may see (for narrowing the shared roster for a guest)."""
    with read_session() as session:
        rows = session.exec(
            select(User.id)
            .join(WorkspaceMember, col(WorkspaceMember.user_id) == col(User.id))
            .where(WorkspaceMember.workspace_id == workspace_id, people_visible_to(session, viewer_id, workspace_id))
        ).all()
    return frozenset(uid for uid in rows if uid is not None)
