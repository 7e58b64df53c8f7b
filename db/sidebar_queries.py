"""The sidebar's rows: a user's conversations with their unread and mention counts, in two queries in all.

No writes here; state/stores/sidebar.py builds its store from these and recomputes single entries with them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from db.engine import session_or_read
from db.models import DIRECT_KINDS, Channel, ChannelKind, ChannelMember, Mention, Message, User
from db.paging import in_channel_list

# Unread and mention badges saturate here (the UI shows "99+"), so a never-read busy channel costs a bounded scan.
COUNT_CAP = 100


@dataclass(frozen=True)
class SidebarChannel:
    """One conversation in a user's sidebar, with that user's unread state."""

    id: int
    workspace_id: int
    kind: ChannelKind
    name: str | None
    label: str  # channel name, or the other people's names for a DM
    topic: str
    archived: bool
    muted: bool
    notification_level: str
    last_read_message_id: int
    last_message_id: int
    unread_count: int
    mention_count: int
    member_ids: tuple[int, ...] = ()  # direct and group conversations only (the viewer included)


def channels_for_user(user_id: int, workspace_id: int, *, session: Session | None = None) -> list[SidebarChannel]:
    """The user's conversations in a workspace with unread and mention counts: two queries in all.

    Channels first (by name), then direct and group conversations (by label).
    """
    with session_or_read(session) as s:
        entries = _sidebar_rows(s, user_id, col(Channel.workspace_id) == workspace_id)
    channels = sorted((e for e in entries if e.kind not in DIRECT_KINDS), key=lambda e: e.label)
    directs = sorted((e for e in entries if e.kind in DIRECT_KINDS), key=lambda e: e.label.lower())
    return channels + directs


def sidebar_channel(user_id: int, channel_id: int, *, session: Session | None = None) -> SidebarChannel | None:
    """One sidebar entry, recomputed (after a read position moved, a join, ...); None when not a member."""
    with session_or_read(session) as s:
        entries = _sidebar_rows(s, user_id, col(Channel.id) == channel_id)
    return entries[0] if entries else None


def _capped_count(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
    """COUNT over at most COUNT_CAP matching rows, as a correlated scalar subquery."""
    limited = select(Message.id).where(*conditions).limit(COUNT_CAP).correlate(Channel, ChannelMember).subquery()
    return select(func.count()).select_from(limited).scalar_subquery()


def _sidebar_rows(session: Session, user_id: int, where: ColumnElement[bool]) -> list[SidebarChannel]:
    unread_since = and_(
        col(Message.channel_id) == Channel.id,
        col(Message.id) > ChannelMember.last_read_message_id,
        col(Message.author_id) != user_id,
        col(Message.deleted_at).is_(None),
    )
    mentioned = (
        select(Mention.message_id)
        .where(col(Mention.user_id) == user_id, col(Mention.message_id) == Message.id)
        .correlate(Message)
        .exists()
    )
    unread = _capped_count(unread_since, in_channel_list())
    to_everyone = and_(col(Message.mentions_all).is_(True), in_channel_list())
    mentions = _capped_count(unread_since, or_(mentioned, to_everyone))
    rows = session.exec(
        select(Channel, ChannelMember, unread, mentions)
        .join(ChannelMember, and_(col(ChannelMember.channel_id) == Channel.id, col(ChannelMember.user_id) == user_id))
        .where(where)
    ).all()
    dm_ids = [_id(channel.id) for channel, *_ in rows if channel.kind in DIRECT_KINDS]
    people = _dm_people(session, dm_ids) if dm_ids else {}
    entries = []
    for channel, member, unread_count, mention_count in rows:
        channel_id = _id(channel.id)
        members = people.get(channel_id, [])
        entries.append(
            SidebarChannel(
                id=channel_id,
                workspace_id=channel.workspace_id,
                kind=ChannelKind(channel.kind),
                name=channel.name,
                label=_label(channel, members, user_id),
                topic=channel.topic,
                archived=channel.archived,
                muted=member.muted,
                notification_level=str(member.notification_level),
                last_read_message_id=member.last_read_message_id,
                last_message_id=channel.last_message_id,
                unread_count=int(unread_count or 0),
                mention_count=int(mention_count or 0),
                member_ids=tuple(sorted(uid for uid, _ in members)),
            )
        )
    return entries


def _dm_people(session: Session, channel_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    rows = session.exec(
        select(ChannelMember.channel_id, User.id, User.display_name)
        .join(User, col(User.id) == ChannelMember.user_id)
        .where(col(ChannelMember.channel_id).in_(channel_ids))
    ).all()
    grouped: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for channel_id, uid, name in rows:
        grouped[channel_id].append((_id(uid), name))
    return grouped


def _label(channel: Channel, members: list[tuple[int, str]], viewer_id: int) -> str:
    if channel.kind not in DIRECT_KINDS:
        return channel.name or ''
    others = sorted((name for uid, name in members if uid != viewer_id), key=str.lower)
    if not others:  # a conversation with yourself
        return next((name for uid, name in members if uid == viewer_id), 'Notes')
    return ', '.join(others)


def _id(value: int | None) -> int:
    if value is None:
        raise AssertionError('row has no id')
    return value
