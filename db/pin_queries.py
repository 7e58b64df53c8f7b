"""Pinned messages of a channel and a person's saved messages (the header's pinned list, the saved panel,
pins.list and stars.list). Saved items are filtered by the read rule here, at read time: a message saved in a
channel the person has since left or been removed from is simply not listed (nor is a deleted one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from db.authz import readable_in_workspace
from db.engine import read_session
from db.models import Channel, Message, Pin, SavedItem
from db.view_builders import message_views
from db.views import MessageView

MAX_LISTED = 200  # a panel and an API page, not an archive


@dataclass(frozen=True)
class PinnedMessage:
    message: MessageView
    pinned_by: int | None
    pinned_at: datetime


@dataclass(frozen=True)
class SavedMessage:
    message: MessageView
    channel: Channel
    saved_at: datetime
    done_at: datetime | None


def pinned_ids_in(session: Session, channel_id: int) -> tuple[int, ...]:
    """Ids of the channel's pinned (live) messages, newest pin first."""
    rows = session.exec(
        select(Pin.message_id)
        .join(Message, col(Message.id) == Pin.message_id)
        .where(Pin.channel_id == channel_id, col(Message.deleted_at).is_(None))
        .order_by(col(Pin.pinned_at).desc(), col(Pin.message_id).desc())
    ).all()
    return tuple(int(mid) for mid in rows)


def pinned_ids(channel_id: int) -> tuple[int, ...]:
    with read_session() as session:
        return pinned_ids_in(session, channel_id)


def pinned_messages(channel_id: int) -> list[PinnedMessage]:
    with read_session() as session:
        rows = session.exec(
            select(Pin, Message)
            .join(Message, col(Message.id) == Pin.message_id)
            .where(Pin.channel_id == channel_id, col(Message.deleted_at).is_(None))
            .order_by(col(Pin.pinned_at).desc(), col(Pin.message_id).desc())
            .limit(MAX_LISTED)
        ).all()
        views = {view.id: view for view in message_views(session, [message for _, message in rows])}
    return [PinnedMessage(views[pin.message_id], pin.pinned_by, pin.pinned_at) for pin, _ in rows]


def saved_messages(user_id: int, workspace_id: int, *, include_done: bool = True) -> list[SavedMessage]:
    """What the person saved in this workspace and may still read, newest first."""
    query = (
        select(SavedItem, Message, Channel)
        .join(Message, col(Message.id) == SavedItem.message_id)
        .join(Channel, col(Channel.id) == Message.channel_id)
        .where(
            SavedItem.user_id == user_id,
            col(Message.deleted_at).is_(None),
            readable_in_workspace(user_id, workspace_id),
        )
    )
    if not include_done:
        query = query.where(col(SavedItem.done_at).is_(None))
    with read_session() as session:
        rows = session.exec(
            query.order_by(col(SavedItem.saved_at).desc(), col(SavedItem.message_id).desc()).limit(MAX_LISTED)
        ).all()
        views = {view.id: view for view in message_views(session, [message for _, message, _ in rows])}
    return [SavedMessage(views[item.message_id], channel, item.saved_at, item.done_at) for item, _, channel in rows]


def saved_ids_in_channel(user_id: int, channel_id: int) -> tuple[int, ...]:
    """The messages of one channel this person saved (done or not): the open list's "saved" markers."""
    with read_session() as session:
        rows = session.exec(
            select(SavedItem.message_id)
            .join(Message, col(Message.id) == SavedItem.message_id)
            .where(SavedItem.user_id == user_id, Message.channel_id == channel_id)
        ).all()
    return tuple(int(mid) for mid in rows)
