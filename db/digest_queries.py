"""What the e-mail digest owes people: unread mentions, DMs and followed thread replies in a window of messages.

Read-only; the scan (state/email/digest_scan.py) decides about each message once, in id windows `(lo, hi]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, union
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from db.models import (
    BOT_EMAIL_DOMAIN,
    DIRECT_KINDS,
    Channel,
    ChannelMember,
    Mention,
    Message,
    NotificationLevel,
    User,
    Workspace,
)

_Rows = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class OwedMessage:
    """One unread message one person is owed an e-mail about, with what the digest shows of it."""

    user_id: int
    user_email: str
    user_name: str
    message_id: int
    thread_root_id: int | None
    body: str
    created_at: datetime
    author_name: str
    channel_id: int
    channel_name: str | None
    channel_kind: str
    workspace_id: int
    workspace_name: str
    workspace_slug: str


def window_ids(session: Session, lo: int, limit: int) -> list[tuple[int, datetime]]:
    """Ids and times of the messages after `lo`, oldest first, at most `limit`."""
    rows = session.exec(
        select(Message.id, Message.created_at).where(col(Message.id) > lo).order_by(col(Message.id)).limit(limit)
    ).all()
    return [(int(mid), created) for mid, created in rows if mid is not None]


def newest_message_id(session: Session, at_or_before: datetime) -> int:
    """The newest message id written at or before a time (0 when none): where a fresh scan starts."""
    row = session.exec(
        select(Message.id).where(col(Message.created_at) <= at_or_before).order_by(col(Message.id).desc()).limit(1)
    ).first()
    return int(row) if row is not None else 0


def _recipients(lo: int, hi: int) -> Subquery:
    """Who each message of the window concerns: the mentioned, everyone on @channel, DM members, followers."""
    in_window = and_(col(Message.id) > lo, col(Message.id) <= hi)
    member = aliased(ChannelMember)
    root = aliased(Message)
    earlier = aliased(Message)
    mentioned: _Rows = sa_select(col(Mention.user_id).label('uid'), col(Mention.message_id).label('mid')).where(
        col(Mention.message_id) > lo, col(Mention.message_id) <= hi
    )
    to_everyone: _Rows = (
        sa_select(col(member.user_id).label('uid'), col(Message.id).label('mid'))
        .join(member, col(member.channel_id) == Message.channel_id)
        .where(in_window, col(Message.mentions_all).is_(True))
    )
    direct: _Rows = (
        sa_select(col(member.user_id).label('uid'), col(Message.id).label('mid'))
        .join(Channel, col(Channel.id) == Message.channel_id)
        .join(member, col(member.channel_id) == Message.channel_id)
        .where(in_window, col(Channel.kind).in_([kind.value for kind in DIRECT_KINDS]))
    )
    # A thread's followers are its root's author and everyone who replied before (as send_message tells them).
    root_author: _Rows = (
        sa_select(col(root.author_id).label('uid'), col(Message.id).label('mid'))
        .join(root, col(root.id) == Message.thread_root_id)
        .where(in_window)
    )
    repliers: _Rows = (
        sa_select(col(earlier.author_id).label('uid'), col(Message.id).label('mid'))
        .join(earlier, and_(col(earlier.thread_root_id) == Message.thread_root_id, col(earlier.id) < Message.id))
        .where(in_window, col(Message.thread_root_id).is_not(None))
    )
    return union(mentioned, to_everyone, direct, root_author, repliers).subquery('owed')


def owed_messages(session: Session, lo: int, hi: int, since: datetime) -> list[OwedMessage]:
    """Messages in `(lo, hi]` written after `since` that someone who wants digests has not read, oldest first.

    Not owed: one's own messages, deleted ones, conversations muted or set to nothing, bots, deactivated people,
    people who turned digests off, and anything at or below the person's read position (a thread reply counts
    as read once the channel is read past it: there is no read position per thread).
    """
    if hi <= lo:
        return []
    owed = _recipients(lo, hi)
    reader = aliased(User)
    author = aliased(User)
    wanted: list[ColumnElement[bool]] = [
        col(Message.author_id) != owed.c.uid,
        col(Message.deleted_at).is_(None),
        col(Message.created_at) > since,
        col(Message.id) > ChannelMember.last_read_message_id,
        col(ChannelMember.muted).is_(False),
        col(ChannelMember.notification_level) != NotificationLevel.NOTHING.value,
        col(reader.is_active).is_(True),
        col(reader.email_notifications).is_(True),
        ~col(reader.email).endswith('@' + BOT_EMAIL_DOMAIN),
    ]
    # SQLAlchemy's own select: SQLModel's typed overloads stop at a few columns.
    query: _Rows = (
        sa_select(
            col(reader.id).label('user_id'),
            col(reader.email).label('user_email'),
            col(reader.display_name).label('user_name'),
            col(Message.id).label('message_id'),
            col(Message.thread_root_id).label('thread_root_id'),
            col(Message.body).label('body'),
            col(Message.created_at).label('created_at'),
            col(author.display_name).label('author_name'),
            col(Channel.id).label('channel_id'),
            col(Channel.name).label('channel_name'),
            col(Channel.kind).label('channel_kind'),
            col(Workspace.id).label('workspace_id'),
            col(Workspace.name).label('workspace_name'),
            col(Workspace.slug).label('workspace_slug'),
        )
        .select_from(owed)
        .join(Message, col(Message.id) == owed.c.mid)
        .join(reader, col(reader.id) == owed.c.uid)
        .join(author, col(author.id) == Message.author_id)
        .join(Channel, col(Channel.id) == Message.channel_id)
        .join(Workspace, col(Workspace.id) == Channel.workspace_id)
        .join(
            ChannelMember,
            and_(col(ChannelMember.channel_id) == Message.channel_id, col(ChannelMember.user_id) == owed.c.uid),
        )
        .where(*wanted)
        .order_by(owed.c.uid, col(Message.id))
    )
    return [OwedMessage(**dict(row)) for row in session.execute(query).mappings()]
