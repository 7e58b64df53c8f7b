"""Look-ups of one channel: its view, membership, members, read positions and receipts.

No writes here. Each function opens its own read session unless the caller passes one (actions pass theirs).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.engine import session_or_read
from db.models import DIRECT_KINDS, Channel, ChannelMember, Message, User
from db.paging import in_channel_list
from db.view_builders import to_channel_view
from db.views import ChannelView


def channel_view(channel_id: int, *, session: Session | None = None) -> ChannelView | None:
    with session_or_read(session) as s:
        channel = s.get(Channel, channel_id)
        if channel is None:
            return None
        member_ids: tuple[int, ...] = ()
        if channel.kind in DIRECT_KINDS:
            member_ids = tuple(
                s.exec(
                    select(ChannelMember.user_id)
                    .where(ChannelMember.channel_id == channel_id)
                    .order_by(col(ChannelMember.user_id))
                ).all()
            )
        return to_channel_view(channel, member_ids)


def is_member(user_id: int, channel_id: int, *, session: Session | None = None) -> bool:
    with session_or_read(session) as s:
        return s.get(ChannelMember, (channel_id, user_id)) is not None


def channel_member_ids(channel_id: int, *, session: Session | None = None) -> list[int]:
    with session_or_read(session) as s:
        return list(s.exec(select(ChannelMember.user_id).where(ChannelMember.channel_id == channel_id)).all())


def last_read_id(channel_id: int, user_id: int, *, session: Session | None = None) -> int:
    """The user's read position in the channel (0 when not a member)."""
    with session_or_read(session) as s:
        member = s.get(ChannelMember, (channel_id, user_id))
        return member.last_read_message_id if member is not None else 0


def last_own_message_id(channel_id: int, user_id: int, *, session: Session | None = None) -> int | None:
    """The user's newest message in the channel list (for "edit last message" on arrow-up)."""
    with session_or_read(session) as s:
        return s.exec(
            select(Message.id)
            .where(
                Message.channel_id == channel_id,
                Message.author_id == user_id,
                col(Message.deleted_at).is_(None),
                in_channel_list(),
            )
            .order_by(col(Message.id).desc())
            .limit(1)
        ).first()


def read_receipts(channel_id: int, *, session: Session | None = None) -> dict[int, int]:
    """user id -> read position, for members who share read receipts ("seen by")."""
    with session_or_read(session) as s:
        rows = s.exec(
            select(ChannelMember.user_id, ChannelMember.last_read_message_id)
            .join(User, col(User.id) == ChannelMember.user_id)
            .where(ChannelMember.channel_id == channel_id, col(User.send_read_receipts).is_(True))
        ).all()
        return dict(rows)


def channel_creator_id(channel_id: int, *, session: Session | None = None) -> int | None:
    """Who created the channel (they may rename it and remove people while a member), None when unknown."""
    with session_or_read(session) as s:
        return s.exec(select(Channel.created_by).where(Channel.id == channel_id)).first()
