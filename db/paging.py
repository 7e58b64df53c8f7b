"""Keyset pages of messages: the channel list and threads, for the UI (oldest first) and the Web API.

What a page holds is defined once here: `channel_list()` (the channel itself: top-level messages, thread
replies also sent to the channel, a deleted message only as a placeholder while it has replies) and
`live_replies()` (a thread). A page is a keyset range on an index (`id < ?` newest first, `id > ?` oldest
first), never OFFSET, and its views cost a constant number of queries (db/view_builders.py). The Web API's
pages (db/api_queries.py) ask for one row more than they return, to know whether there is a next (`page_of`).
Each UI function opens its own read session unless the caller passes one (actions pass theirs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from db.engine import session_or_read
from db.models import Message
from db.view_builders import message_views
from db.views import MessageView

T = TypeVar('T')


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_position: int | None  # where the next page continues; None on the last page


def page_of(rows: Sequence[T], limit: int, position: Callable[[T], int]) -> Page[T]:
    """The first `limit` of `rows` (fetched with `limit + 1`), continuing from the last one's position."""
    items = list(rows[:limit])
    return Page(items, position(items[-1]) if len(rows) > limit and items else None)


# ---- what a page holds -----------------------------------------------------------------------------------


def in_channel_list() -> ColumnElement[bool]:
    """Messages that show in the channel itself: top-level ones, and thread replies also sent to the channel."""
    return or_(col(Message.thread_root_id).is_(None), col(Message.also_in_channel).is_(True))


def shown_in_list() -> ColumnElement[bool]:
    """A deleted message stays (as a placeholder) only while it still has thread replies."""
    return or_(col(Message.deleted_at).is_(None), col(Message.reply_count) > 0)


def channel_list(channel_id: int) -> SelectOfScalar[Message]:
    """The messages of the channel list, unordered: add the keyset range with `older` or `newer`."""
    return select(Message).where(Message.channel_id == channel_id, in_channel_list(), shown_in_list())


def live_replies(root_id: int) -> SelectOfScalar[Message]:
    """A thread's replies that are not deleted, unordered."""
    return select(Message).where(Message.thread_root_id == root_id, col(Message.deleted_at).is_(None))


def older(query: SelectOfScalar[Message], before_id: int | None) -> SelectOfScalar[Message]:
    """Newest first, below `before_id` when given."""
    if before_id is not None:
        query = query.where(col(Message.id) < before_id)
    return query.order_by(col(Message.id).desc())


def newer(query: SelectOfScalar[Message], after_id: int) -> SelectOfScalar[Message]:
    """Oldest first, above `after_id`."""
    return query.where(col(Message.id) > after_id).order_by(col(Message.id))


# ---- the UI's pages (oldest first) -----------------------------------------------------------------------


def latest_messages(channel_id: int, limit: int = 50, *, session: Session | None = None) -> list[MessageView]:
    """The newest `limit` messages of the channel list, oldest first."""
    with session_or_read(session) as s:
        rows = s.exec(older(channel_list(channel_id), None).limit(limit)).all()
        return message_views(s, list(reversed(rows)))


def messages_before(
    channel_id: int, before_id: int, limit: int = 50, *, session: Session | None = None
) -> list[MessageView]:
    """The `limit` channel messages just older than `before_id`, oldest first (scrolling back)."""
    with session_or_read(session) as s:
        rows = s.exec(older(channel_list(channel_id), before_id).limit(limit)).all()
        return message_views(s, list(reversed(rows)))


def messages_after(
    channel_id: int, after_id: int, limit: int = 200, *, session: Session | None = None
) -> list[MessageView]:
    """Up to `limit` channel messages newer than `after_id`, oldest first (catch-up after a reconnect)."""
    with session_or_read(session) as s:
        rows = s.exec(newer(channel_list(channel_id), after_id).limit(limit)).all()
        return message_views(s, list(rows))


def messages_around(
    channel_id: int, message_id: int, before: int = 25, after: int = 25, *, session: Session | None = None
) -> list[MessageView]:
    """A window of the channel list centred on `message_id` (permalinks); a thread reply centres on its root.

    Empty when the message is not in this channel.
    """
    with session_or_read(session) as s:
        target = s.get(Message, message_id)
        if target is None or target.channel_id != channel_id:
            return []
        centre = message_id
        if target.thread_root_id is not None and not target.also_in_channel:
            centre = target.thread_root_id
        older_part = messages_before(channel_id, centre, before, session=s)
        rest = messages_after(channel_id, centre - 1, after + 1, session=s)
        return older_part + rest


def thread_messages(
    root_id: int, limit: int = 1000, *, session: Session | None = None
) -> tuple[MessageView, list[MessageView]] | None:
    """A thread: its root and the first `limit` replies, oldest first; None when there is no such root."""
    with session_or_read(session) as s:
        root = s.get(Message, root_id)
        if root is None or root.thread_root_id is not None:
            return None
        if root.deleted_at is not None and root.reply_count == 0:
            return None
        replies = s.exec(live_replies(root_id).order_by(col(Message.id)).limit(limit)).all()
        views = message_views(s, [root, *replies])
        return views[0], views[1:]
