"""What the Web API's message objects need beyond a MessageView, for a page of them in a constant number of
queries: replies' roots (their `ts` and author), roots' newest live reply, the kinds of referenced channels,
and which authors are bots."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import col, select

from db.api_queries import bot_user_ids
from db.engine import read_session
from db.models import Channel, ChannelKind, Message
from db.views import MessageView


@dataclass(frozen=True)
class MessageFacts:
    bot_ids: frozenset[int] = frozenset()
    roots: dict[int, tuple[int, int]] = field(default_factory=dict)  # root id -> (ts_us, author id)
    latest_reply_us: dict[int, int] = field(default_factory=dict)  # root id -> its newest live reply's ts_us
    channel_kinds: dict[int, ChannelKind] = field(default_factory=dict)  # referenced channel id -> kind


def message_facts(views: Sequence[MessageView], channel_ids: Collection[int] = ()) -> MessageFacts:
    """Facts for these messages; `channel_ids` are the channels their text references (for `<#C…>`)."""
    root_ids = {view.thread_root_id for view in views if view.thread_root_id is not None}
    threaded = {view.id for view in views if view.thread_root_id is None and view.reply_count > 0}
    roots: dict[int, tuple[int, int]] = {}
    latest: dict[int, int] = {}
    kinds: dict[int, ChannelKind] = {}
    with read_session() as session:
        if root_ids:
            rows = session.exec(
                select(Message.id, Message.ts_us, Message.author_id).where(col(Message.id).in_(root_ids))
            ).all()
            roots = {row_id: (ts_us, author) for row_id, ts_us, author in rows if row_id is not None}
        if threaded:
            newest = session.exec(
                select(Message.thread_root_id, func.max(Message.ts_us))
                .where(col(Message.thread_root_id).in_(threaded), col(Message.deleted_at).is_(None))
                .group_by(col(Message.thread_root_id))
            ).all()
            latest = {root: ts_us for root, ts_us in newest if root is not None and ts_us is not None}
        if channel_ids:
            found = session.exec(select(Channel.id, Channel.kind).where(col(Channel.id).in_(set(channel_ids)))).all()
            kinds = {channel_id: ChannelKind(kind) for channel_id, kind in found if channel_id is not None}
    return MessageFacts(bot_user_ids({view.author_id for view in views}), roots, latest, kinds)
