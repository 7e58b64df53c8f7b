"""The messages a person reacted to (reactions.list), newest reaction first, in conversations they may read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from db.authz import readable_in_workspace
from db.engine import read_session
from db.models import Channel, Message, Reaction
from db.paging import Page, page_of
from db.view_builders import message_views
from db.views import MessageView


@dataclass(frozen=True)
class ReactedMessage:
    message: MessageView
    channel: Channel
    position: int  # the newest of the person's reactions on it: the keyset of the pages


def reacted_page(user_id: int, workspace_id: int, *, before: int | None, limit: int) -> Page[ReactedMessage]:
    newest = func.max(Reaction.id).label('newest')
    query = (
        select(Reaction.message_id, newest)
        .join(Message, col(Message.id) == Reaction.message_id)
        .join(Channel, col(Channel.id) == Message.channel_id)
        .where(
            Reaction.user_id == user_id,
            col(Message.deleted_at).is_(None),
            readable_in_workspace(user_id, workspace_id),
        )
        .group_by(col(Reaction.message_id))
    )
    if before is not None:
        query = query.having(func.max(Reaction.id) < before)
    with read_session() as session:
        rows = session.exec(query.order_by(newest.desc()).limit(limit + 1)).all()
        pairs = [(int(message_id), int(position or 0)) for message_id, position in rows]
        page = page_of(pairs, limit, lambda pair: pair[1])
        messages = session.exec(select(Message).where(col(Message.id).in_([mid for mid, _ in page.items]))).all()
        views = {view.id: view for view in message_views(session, messages)}
        channel_ids = {message.channel_id for message in messages}
        channels = {c.id: c for c in session.exec(select(Channel).where(col(Channel.id).in_(channel_ids))).all()}
    items = [
        ReactedMessage(views[message_id], channels[views[message_id].channel_id], position)
        for message_id, position in page.items
        if message_id in views
    ]
    return Page(items, page.next_position)
