"""Lookups with authorization that the message, reaction, channel and read actions share.

Something the actor may not see answers exactly like something that does not exist (NotFound), so ids
cannot be probed; something they may see but not change answers Forbidden with the reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case
from sqlmodel import Session

from db import authz
from db.models import Channel, ChannelMember, Message, User, WorkspaceMember, fits_id
from state.errors import Forbidden, NotFound

CHANNEL_NOT_FOUND = 'This channel does not exist or you are not a member of it.'
MESSAGE_NOT_FOUND = 'This message does not exist.'


def active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not authz.is_active_user(user):
        raise NotFound('This account does not exist.')
    return user


def workspace_membership(session: Session, workspace_id: int, user_id: int) -> WorkspaceMember | None:
    """The membership to authorize with: None also when an admin deactivated it (they act as a stranger)."""
    member = session.get(WorkspaceMember, (workspace_id, user_id))
    return member if member is not None and member.deactivated_at is None else None


def is_admin(member: WorkspaceMember | None) -> bool:
    return member is not None and authz.is_admin_role(member.role)


def visible_channel(session: Session, actor_id: int, channel_id: int) -> tuple[Channel, ChannelMember | None]:
    """The channel and the actor's membership (None for a public channel of their workspace they have not joined).

    A deactivated account sees nothing, whatever memberships it still has (its tabs and tokens are ended too).
    """
    active_user(session, actor_id)
    readable = authz.readable_in_session(session, actor_id, channel_id)
    if readable is None:
        raise NotFound(CHANNEL_NOT_FOUND, code='channel_not_found')
    return readable


def joined_channel(session: Session, actor_id: int, channel_id: int) -> tuple[Channel, ChannelMember]:
    """The channel and the actor's membership; a public channel they only can see asks them to join first."""
    channel, member = visible_channel(session, actor_id, channel_id)
    if member is None:
        raise Forbidden(f'Join #{channel.name} first.', code='not_in_channel')
    return channel, member


def writable(channel: Channel) -> Channel:
    """Archived channels are read-only for everyone."""
    if channel.archived:
        raise Forbidden('This channel is archived, so it is read-only.', code='is_archived')
    return channel


def live_message(session: Session, message_id: int) -> Message:
    message = session.get(Message, message_id) if fits_id(message_id) else None
    if message is None or message.deleted_at is not None:
        raise NotFound(MESSAGE_NOT_FOUND, code='message_not_found')
    return message


def is_general(channel: Channel) -> bool:
    return authz.is_general(channel.kind, channel.name)


def at_least(column: Any, value: int) -> ColumnElement[int]:
    """SQL for max(column, value) that works on SQLite and PostgreSQL (used to only ever move ids forward)."""
    return case((column < value, value), else_=column)


def require_id(value: int | None) -> int:
    if value is None:
        raise AssertionError('row has no id after flush')
    return value
