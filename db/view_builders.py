"""Rows -> the frozen views of db/views.py, in a constant number of queries however many rows (no N+1).

The builders take the session their rows came from; `message_view` (one message by id) opens a read session
unless the caller passes one. Paging (db/paging.py), look-ups (db/channel_queries.py), the Web API's pages
and the actions all build their views here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from db.engine import session_or_read
from db.models import DIRECT_KINDS, Attachment, Channel, ChannelKind, Message, Reaction, User, WorkspaceMember
from db.views import AttachmentView, ChannelView, MessageView, ReactionView

DEACTIVATED_MARK = '(deactivated)'
DELETED_HTML = '<p><em>This message was deleted.</em></p>'
REPLY_FACES = 5  # how many distinct repliers a thread summary names


def message_views(session: Session, rows: Sequence[Message]) -> list[MessageView]:
    """Views for `rows` (same order) with author names, reactions, attachments and repliers: five queries."""
    if not rows:
        return []
    ids = [_id(row.id) for row in rows]
    author_ids = {row.author_id for row in rows}
    names = _author_names(session, rows, author_ids)
    reactions = _reactions_for(session, ids)
    attachments = _attachments_for(session, ids)
    root_ids = [_id(row.id) for row in rows if row.thread_root_id is None and row.reply_count > 0]
    repliers = _repliers_for(session, root_ids) if root_ids else {}
    return [
        _view(
            row,
            names.get(row.author_id, 'Unknown user'),
            reactions.get(_id(row.id), ()),
            attachments.get(_id(row.id), ()),
            repliers.get(_id(row.id), ()),
        )
        for row in rows
    ]


def _author_names(session: Session, rows: Sequence[Message], author_ids: set[int]) -> dict[int, str]:
    """Display names, marked "(deactivated)" for an account that is off or a membership of the messages'
    workspace an admin switched off (their messages stay; readers see why they no longer answer)."""
    found = session.exec(select(User.id, User.display_name, User.is_active).where(col(User.id).in_(author_ids))).all()
    channel_ids = {row.channel_id for row in rows}
    inactive = set(
        session.exec(
            select(WorkspaceMember.user_id)
            .join(Channel, col(Channel.workspace_id) == WorkspaceMember.workspace_id)
            .where(
                col(Channel.id).in_(channel_ids),
                col(WorkspaceMember.user_id).in_(author_ids),
                col(WorkspaceMember.deactivated_at).is_not(None),
            )
        ).all()
    )
    return {
        int(uid): name if active and uid not in inactive else f'{name} {DEACTIVATED_MARK}'
        for uid, name, active in found
        if uid is not None
    }


def new_message_view(row: Message, author_name: str, attachments: Sequence[Attachment]) -> MessageView:
    """The view of a message just stored, built without queries: nobody has reacted or replied yet."""
    return _view(row, author_name, (), [attachment_view(a) for a in sorted(attachments, key=lambda a: _id(a.id))], ())


def _view(
    row: Message,
    author_name: str,
    reactions: Sequence[ReactionView],
    attachments: Sequence[AttachmentView],
    repliers: Sequence[int],
) -> MessageView:
    deleted = row.deleted_at is not None
    return MessageView(
        id=_id(row.id),
        channel_id=row.channel_id,
        thread_root_id=row.thread_root_id,
        author_id=row.author_id,
        author_name=author_name,
        html=DELETED_HTML if deleted else row.html,
        body='' if deleted else row.body,
        created_at=row.created_at,
        ts_us=row.ts_us,
        edited_at=row.edited_at,
        deleted=deleted,
        also_in_channel=row.also_in_channel,
        client_msg_id=row.client_msg_id,
        reply_count=row.reply_count,
        last_reply_at=row.last_reply_at,
        reply_user_ids=tuple(repliers),
        reactions=() if deleted else tuple(reactions),
        attachments=() if deleted else tuple(attachments),
    )


def _reactions_for(session: Session, message_ids: list[int]) -> dict[int, list[ReactionView]]:
    rows = session.exec(
        select(Reaction.message_id, Reaction.emoji, Reaction.user_id)
        .where(col(Reaction.message_id).in_(message_ids))
        .order_by(col(Reaction.id))
    ).all()
    grouped: dict[int, dict[str, list[int]]] = defaultdict(dict)  # insertion order = first use of each emoji
    for message_id, emoji, user_id in rows:
        grouped[message_id].setdefault(emoji, []).append(user_id)
    return {
        message_id: [ReactionView(emoji=emoji, count=len(users), user_ids=tuple(users)) for emoji, users in by.items()]
        for message_id, by in grouped.items()
    }


def _attachments_for(session: Session, message_ids: list[int]) -> dict[int, list[AttachmentView]]:
    rows = session.exec(
        select(Attachment).where(col(Attachment.message_id).in_(message_ids)).order_by(col(Attachment.id))
    ).all()
    grouped: dict[int, list[AttachmentView]] = defaultdict(list)
    for row in rows:
        if row.message_id is not None:
            grouped[row.message_id].append(attachment_view(row))
    return grouped


def attachment_view(row: Attachment) -> AttachmentView:
    return AttachmentView(
        id=row.public_id,
        name=row.name,
        size=row.size,
        mime=row.mime,
        width=row.width,
        height=row.height,
        has_thumbnail=row.has_thumbnail,
    )


def _repliers_for(session: Session, root_ids: list[int]) -> dict[int, list[int]]:
    """Distinct reply authors per thread root, most recent first."""
    rows = session.exec(
        select(Message.thread_root_id, Message.author_id, func.max(Message.id))
        .where(col(Message.thread_root_id).in_(root_ids), col(Message.deleted_at).is_(None))
        .group_by(col(Message.thread_root_id), col(Message.author_id))
    ).all()
    grouped: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for root_id, author_id, newest in rows:
        if root_id is not None and newest is not None:
            grouped[root_id].append((newest, author_id))
    return {
        root: [author for _, author in sorted(pairs, reverse=True)[:REPLY_FACES]] for root, pairs in grouped.items()
    }


def reply_user_ids(session: Session, root_id: int) -> tuple[int, ...]:
    return tuple(_repliers_for(session, [root_id]).get(root_id, ()))


def message_view(message_id: int, *, session: Session | None = None) -> MessageView | None:
    """One message as it shows (a deleted one with replies as its placeholder); None when gone."""
    with session_or_read(session) as s:
        row = s.get(Message, message_id)
        if row is None or (row.deleted_at is not None and row.reply_count == 0):
            return None
        return message_views(s, [row])[0]


def to_channel_view(channel: Channel, member_ids: Sequence[int] = ()) -> ChannelView:
    return ChannelView(
        id=_id(channel.id),
        workspace_id=channel.workspace_id,
        kind=ChannelKind(channel.kind),
        name=channel.name,
        topic=channel.topic,
        purpose=channel.purpose,
        archived=channel.archived,
        member_ids=tuple(member_ids) if channel.kind in DIRECT_KINDS else (),
    )


def _id(value: int | None) -> int:
    if value is None:
        raise AssertionError('row has no id')
    return value
