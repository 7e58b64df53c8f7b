"""Read side: message pages, threads, channels and the sidebar, as the compact views the UI and API send.

No writes here. Every page is a keyset range on an index (`id < ?` / `id > ?`, never OFFSET), and building
views for a page costs a constant number of queries however many messages it holds (no N+1).
Each function opens its own read session unless the caller passes one (actions pass theirs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import DIRECT_KINDS, Attachment, Channel, ChannelKind, ChannelMember, Mention, Message, Reaction, User
from db.views import AttachmentView, ChannelView, MessageView, ReactionView

DELETED_HTML = '<p><em>This message was deleted.</em></p>'
# Unread and mention badges saturate here (the UI shows "99+"), so a never-read busy channel costs a bounded scan.
COUNT_CAP = 100
REPLY_FACES = 5  # how many distinct repliers a thread summary names


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


@contextmanager
def _session(session: Session | None) -> Iterator[Session]:
    if session is not None:
        yield session
    else:
        with read_session() as own:
            yield own


def in_channel_list() -> ColumnElement[bool]:
    """Messages that show in the channel itself: top-level ones, and thread replies also sent to the channel."""
    return or_(col(Message.thread_root_id).is_(None), col(Message.also_in_channel).is_(True))


def shown_in_list() -> ColumnElement[bool]:
    """A deleted message stays (as a placeholder) only while it still has thread replies."""
    return or_(col(Message.deleted_at).is_(None), col(Message.reply_count) > 0)


# ---- message views ---------------------------------------------------------------------------------------


def message_views(session: Session, rows: Sequence[Message]) -> list[MessageView]:
    """Views for `rows` (same order) with author names, reactions, attachments and repliers: four queries."""
    if not rows:
        return []
    ids = [_id(row.id) for row in rows]
    author_ids = {row.author_id for row in rows}
    names = dict(session.exec(select(User.id, User.display_name).where(col(User.id).in_(author_ids))).all())
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
    with _session(session) as s:
        row = s.get(Message, message_id)
        if row is None or (row.deleted_at is not None and row.reply_count == 0):
            return None
        return message_views(s, [row])[0]


# ---- channel pages ---------------------------------------------------------------------------------------


def latest_messages(channel_id: int, limit: int = 50, *, session: Session | None = None) -> list[MessageView]:
    """The newest `limit` messages of the channel list, oldest first."""
    with _session(session) as s:
        rows = s.exec(
            select(Message)
            .where(Message.channel_id == channel_id, in_channel_list(), shown_in_list())
            .order_by(col(Message.id).desc())
            .limit(limit)
        ).all()
        return message_views(s, list(reversed(rows)))


def messages_before(
    channel_id: int, before_id: int, limit: int = 50, *, session: Session | None = None
) -> list[MessageView]:
    """The `limit` channel messages just older than `before_id`, oldest first (scrolling back)."""
    with _session(session) as s:
        rows = s.exec(
            select(Message)
            .where(Message.channel_id == channel_id, col(Message.id) < before_id, in_channel_list(), shown_in_list())
            .order_by(col(Message.id).desc())
            .limit(limit)
        ).all()
        return message_views(s, list(reversed(rows)))


def messages_after(
    channel_id: int, after_id: int, limit: int = 200, *, session: Session | None = None
) -> list[MessageView]:
    """Up to `limit` channel messages newer than `after_id`, oldest first (catch-up after a reconnect)."""
    with _session(session) as s:
        rows = s.exec(
            select(Message)
            .where(Message.channel_id == channel_id, col(Message.id) > after_id, in_channel_list(), shown_in_list())
            .order_by(col(Message.id))
            .limit(limit)
        ).all()
        return message_views(s, list(rows))


def messages_around(
    channel_id: int, message_id: int, before: int = 25, after: int = 25, *, session: Session | None = None
) -> list[MessageView]:
    """A window of the channel list centred on `message_id` (permalinks); a thread reply centres on its root.

    Empty when the message is not in this channel.
    """
    with _session(session) as s:
        target = s.get(Message, message_id)
        if target is None or target.channel_id != channel_id:
            return []
        centre = message_id
        if target.thread_root_id is not None and not target.also_in_channel:
            centre = target.thread_root_id
        older = messages_before(channel_id, centre, before, session=s)
        rest = messages_after(channel_id, centre - 1, after + 1, session=s)
        return older + rest


def thread_messages(
    root_id: int, limit: int = 1000, *, session: Session | None = None
) -> tuple[MessageView, list[MessageView]] | None:
    """A thread: its root and the first `limit` replies, oldest first; None when there is no such root."""
    with _session(session) as s:
        root = s.get(Message, root_id)
        if root is None or root.thread_root_id is not None:
            return None
        if root.deleted_at is not None and root.reply_count == 0:
            return None
        replies = s.exec(
            select(Message)
            .where(Message.thread_root_id == root_id, col(Message.deleted_at).is_(None))
            .order_by(col(Message.id))
            .limit(limit)
        ).all()
        views = message_views(s, [root, *replies])
        return views[0], views[1:]


def last_read_id(channel_id: int, user_id: int, *, session: Session | None = None) -> int:
    """The user's read position in the channel (0 when not a member)."""
    with _session(session) as s:
        member = s.get(ChannelMember, (channel_id, user_id))
        return member.last_read_message_id if member is not None else 0


def last_own_message_id(channel_id: int, user_id: int, *, session: Session | None = None) -> int | None:
    """The user's newest message in the channel list (for "edit last message" on arrow-up)."""
    with _session(session) as s:
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
    with _session(session) as s:
        rows = s.exec(
            select(ChannelMember.user_id, ChannelMember.last_read_message_id)
            .join(User, col(User.id) == ChannelMember.user_id)
            .where(ChannelMember.channel_id == channel_id, col(User.send_read_receipts).is_(True))
        ).all()
        return dict(rows)


# ---- channels --------------------------------------------------------------------------------------------


def is_member(user_id: int, channel_id: int, *, session: Session | None = None) -> bool:
    with _session(session) as s:
        return s.get(ChannelMember, (channel_id, user_id)) is not None


def channel_view(channel_id: int, *, session: Session | None = None) -> ChannelView | None:
    with _session(session) as s:
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


def to_channel_view(channel: Channel, member_ids: Sequence[int] = ()) -> ChannelView:
    return ChannelView(
        id=_id(channel.id),
        workspace_id=channel.workspace_id,
        kind=ChannelKind(channel.kind),
        name=channel.name,
        topic=channel.topic,
        archived=channel.archived,
        member_ids=tuple(member_ids) if channel.kind in DIRECT_KINDS else (),
    )


def channel_member_ids(channel_id: int, *, session: Session | None = None) -> list[int]:
    with _session(session) as s:
        return list(s.exec(select(ChannelMember.user_id).where(ChannelMember.channel_id == channel_id)).all())


def channels_for_user(user_id: int, workspace_id: int, *, session: Session | None = None) -> list[SidebarChannel]:
    """The user's conversations in a workspace with unread and mention counts: two queries in all.

    Channels first (by name), then direct and group conversations (by label).
    """
    with _session(session) as s:
        entries = _sidebar_rows(s, user_id, col(Channel.workspace_id) == workspace_id)
    channels = sorted((e for e in entries if e.kind not in DIRECT_KINDS), key=lambda e: e.label)
    directs = sorted((e for e in entries if e.kind in DIRECT_KINDS), key=lambda e: e.label.lower())
    return channels + directs


def sidebar_channel(user_id: int, channel_id: int, *, session: Session | None = None) -> SidebarChannel | None:
    """One sidebar entry, recomputed (after a read position moved, a join, ...); None when not a member."""
    with _session(session) as s:
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
