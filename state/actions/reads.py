"""Read positions: how far a person has read a conversation (unread badges, "new messages" line, receipts).

`ReadPositionMoved` goes to the reader's `user:{id}` (all their tabs agree) and, for people who share read
receipts, to `channel:{id}` ("seen by").
"""

from __future__ import annotations

from sqlmodel import Session

from db.models import ChannelMember, Message, User
from state.actions.guards import MESSAGE_NOT_FOUND, joined_channel
from state.bus import channel_topic, user_topic
from state.errors import NotFound
from state.events import ReadPositionMoved
from state.rate_limit import limiter
from state.unit_of_work import unit_of_work, unit_of_work_of


def mark_read(actor_id: int, channel_id: int, message_id: int) -> int:
    """Read up to and including `message_id`. Only ever moves forward; returns the read position."""
    with unit_of_work() as uow:
        session = uow.session
        _, member = joined_channel(session, actor_id, channel_id)
        _message_in(session, channel_id, message_id)
        if message_id <= member.last_read_message_id:
            return member.last_read_message_id
        limiter.take('read', actor_id)
        _move(session, member, message_id)
    return message_id


def mark_unread(actor_id: int, channel_id: int, message_id: int) -> int:
    """Make `message_id` and everything after it unread again; returns the read position."""
    with unit_of_work() as uow:
        session = uow.session
        _, member = joined_channel(session, actor_id, channel_id)
        _message_in(session, channel_id, message_id)
        position = message_id - 1  # ids only grow, so "just before it" needs no lookup
        if position == member.last_read_message_id:
            return position
        limiter.take('read', actor_id)
        _move(session, member, position)
    return position


def _message_in(session: Session, channel_id: int, message_id: int) -> None:
    message = session.get(Message, message_id)
    if message is None or message.channel_id != channel_id:
        raise NotFound(MESSAGE_NOT_FOUND, code='message_not_found')


def _move(session: Session, member: ChannelMember, position: int) -> None:
    member.last_read_message_id = position
    session.add(member)
    moved = ReadPositionMoved(channel_id=member.channel_id, user_id=member.user_id, last_read_message_id=position)
    uow = unit_of_work_of(session)
    uow.publish(user_topic(member.user_id), moved)
    reader = session.get(User, member.user_id)
    if reader is not None and reader.send_read_receipts:
        uow.publish(channel_topic(member.channel_id), moved)
