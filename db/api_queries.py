"""Read queries behind the Slack-compatible Web API: keyset pages of conversations, messages, members, people.

Every page asks for one row more than it returns, to know whether there is a next page, and continues from
an id (`id > ?` ascending, `id < ?` for newest-first history), never OFFSET (`Page` and the message ranges
are db/paging.py's, shared with the UI). Who may see a conversation is db/authz.py's read rule.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_
from sqlmodel import col, select

from db.authz import may_see_person, people_visible_to, readable_in_session, readable_in_workspace
from db.engine import read_session
from db.models import (
    BOT_EMAIL_DOMAIN,
    DIRECT_KINDS,
    Channel,
    ChannelKind,
    ChannelMember,
    Message,
    User,
    Workspace,
    WorkspaceMember,
    fits_id,
)
from db.paging import Page, channel_list, live_replies, newer, older, page_of
from db.view_builders import message_views
from db.views import MessageView

# Built once (with bind parameters): building the read rule's expression costs more than running it.
_READABLE = readable_in_workspace(bindparam('reader_id'), bindparam('workspace_id'))


@dataclass(frozen=True)
class Conversation:
    channel: Channel
    is_member: bool
    member_ids: tuple[int, ...]  # direct and group conversations only


def conversations_page(
    user_id: int,
    workspace_id: int,
    kinds: Collection[ChannelKind],
    *,
    exclude_archived: bool,
    after_id: int,
    limit: int,
    members_only: bool = False,
) -> Page[Conversation]:
    """The conversations of the workspace the user may read (db/authz.py: public ones joined or not, and the
    private ones the user is in), by id."""
    query = select(Channel).where(
        _READABLE,
        col(Channel.kind).in_(list(kinds)),
        col(Channel.id) > after_id,
    )
    if exclude_archived:
        query = query.where(col(Channel.archived).is_(False))
    if members_only:  # users.conversations: only what the user is in
        query = query.where(
            col(Channel.id).in_(select(ChannelMember.channel_id).where(ChannelMember.user_id == user_id))
        )
    with read_session() as session:
        readable = {'reader_id': user_id, 'workspace_id': workspace_id}
        rows = session.exec(query.order_by(col(Channel.id)).limit(limit + 1), params=readable).all()
        page = page_of(rows, limit, _row_id)
        ids = [_id(row.id) for row in page.items]
        memberships = session.exec(
            select(ChannelMember.channel_id, ChannelMember.user_id).where(
                col(ChannelMember.channel_id).in_(ids),
                or_(
                    col(ChannelMember.user_id) == user_id,
                    col(ChannelMember.channel_id).in_([_id(r.id) for r in page.items if r.kind in DIRECT_KINDS]),
                ),
            )
        ).all()
    joined = {channel_id for channel_id, member_id in memberships if member_id == user_id}
    people: dict[int, list[int]] = {}
    for channel_id, member_id in memberships:
        people.setdefault(channel_id, []).append(member_id)
    items = [
        Conversation(
            channel=row,
            is_member=_id(row.id) in joined,
            member_ids=tuple(sorted(people.get(_id(row.id), []))) if row.kind in DIRECT_KINDS else (),
        )
        for row in page.items
    ]
    return Page(items, page.next_position)


def history_page(
    channel_id: int, *, before_id: int | None, after_us: int, before_us: int | None, limit: int
) -> Page[MessageView]:
    """The channel list's messages sent after `after_us` and before `before_us` (microseconds, exclusive) and
    below the cursor's `before_id`, newest first (Slack's history order). Within a channel `ts_us` grows with
    the id (the send action), so the id keyset pages exactly what the time range holds."""
    query = channel_list(channel_id).where(col(Message.ts_us) > after_us)
    if before_us is not None:
        query = query.where(col(Message.ts_us) < before_us)
    query = older(query, before_id)
    with read_session() as session:
        page = page_of(session.exec(query.limit(limit + 1)).all(), limit, _row_id)
        return Page(message_views(session, page.items), page.next_position)


def replies_page(
    root_id: int, *, after_id: int, after_us: int = -1, before_us: int | None = None, limit: int
) -> Page[MessageView]:
    """A thread's live replies after `after_id` sent between `after_us` and `before_us` (exclusive), oldest first."""
    query = live_replies(root_id).where(col(Message.ts_us) > after_us)
    if before_us is not None:
        query = query.where(col(Message.ts_us) < before_us)
    with read_session() as session:
        page = page_of(session.exec(newer(query, after_id).limit(limit + 1)).all(), limit, _row_id)
        return Page(message_views(session, page.items), page.next_position)


def channel_id_named(workspace_id: int, name: str) -> int | None:
    """The id of the workspace's channel with this name (group and direct conversations have none)."""
    with read_session() as session:
        return session.exec(
            select(Channel.id).where(Channel.workspace_id == workspace_id, Channel.name == name.lower())
        ).first()


def message_id_at(channel_id: int, ts_us: int) -> int | None:
    """The message of this channel sent at `ts_us` (Slack's `ts` names a message within its channel)."""
    with read_session() as session:
        return session.exec(select(Message.id).where(Message.channel_id == channel_id, Message.ts_us == ts_us)).first()


def message_ts_us(message_id: int) -> int:
    """A message's `ts_us` by its id (0 when it is gone): for events that name a message only by id."""
    with read_session() as session:
        return session.exec(select(Message.ts_us).where(Message.id == message_id)).first() or 0


def member_counts(channel_ids: Collection[int]) -> dict[int, int]:
    """How many members each of these conversations has (one query for a page of them)."""
    if not channel_ids:
        return {}
    with read_session() as session:
        rows = session.exec(
            select(ChannelMember.channel_id, func.count())
            .where(col(ChannelMember.channel_id).in_(set(channel_ids)))
            .group_by(col(ChannelMember.channel_id))
        ).all()
    return {channel_id: int(count) for channel_id, count in rows}


def permalink_target(user_id: int, channel_id: int, ts_us: int) -> tuple[str, int] | None:
    """(workspace slug, message id) of the message sent at `ts_us` in this channel, when `user_id` may read it
    (db/authz.py's rule) and it still shows (a deleted message only as its thread's placeholder); else None."""
    with read_session() as session:
        readable = readable_in_session(session, user_id, channel_id)
        if readable is None:
            return None
        message = session.exec(select(Message).where(Message.channel_id == channel_id, Message.ts_us == ts_us)).first()
        if message is None or message.id is None or (message.deleted_at is not None and message.reply_count == 0):
            return None
        workspace = session.get(Workspace, readable[0].workspace_id)
        in_workspace = session.get(WorkspaceMember, (readable[0].workspace_id, user_id)) is not None
        return (workspace.slug, message.id) if workspace is not None and in_workspace else None


def members_page(channel_id: int, *, after_id: int, limit: int) -> Page[int]:
    """Member user ids of a conversation, ascending."""
    with read_session() as session:
        rows = session.exec(
            select(ChannelMember.user_id)
            .where(ChannelMember.channel_id == channel_id, col(ChannelMember.user_id) > after_id)
            .order_by(col(ChannelMember.user_id))
            .limit(limit + 1)
        ).all()
    return page_of(rows, limit, lambda user_id: user_id)


def people_page(workspace_id: int, viewer_id: int, *, after_id: int, limit: int) -> Page[tuple[User, WorkspaceMember]]:
    """Members of the workspace whom `viewer_id` may see (deactivated accounts included, as Slack lists them),
    by user id; a guest sees only the people of their channels (db/authz.py)."""
    with read_session() as session:
        rows = session.exec(
            select(User, WorkspaceMember)
            .join(WorkspaceMember, col(WorkspaceMember.user_id) == col(User.id))
            .where(
                WorkspaceMember.workspace_id == workspace_id,
                col(User.id) > after_id,
                people_visible_to(session, viewer_id, workspace_id),
            )
            .order_by(col(User.id))
            .limit(limit + 1)
        ).all()
    pairs = [(user, member) for user, member in rows]
    return page_of(pairs, limit, lambda pair: _id(pair[0].id))


def bot_user_ids(user_ids: Collection[int]) -> frozenset[int]:
    """Which of these users are bots (one query for a page of messages)."""
    wanted = set(user_ids)
    if not wanted:
        return frozenset()
    with read_session() as session:
        found = session.exec(
            select(User.id).where(col(User.id).in_(wanted), col(User.email).endswith('@' + BOT_EMAIL_DOMAIN))
        ).all()
    return frozenset(uid for uid in found if uid is not None)


def person_by_email(workspace_id: int, email: str) -> tuple[User, WorkspaceMember] | None:
    """A member of the workspace by e-mail address (stored lower-case), deactivated ones included."""
    with read_session() as session:
        found = session.exec(
            select(User, WorkspaceMember)
            .join(WorkspaceMember, col(WorkspaceMember.user_id) == User.id)
            .where(col(User.email) == email.strip().lower(), WorkspaceMember.workspace_id == workspace_id)
        ).first()
    return (found[0], found[1]) if found is not None else None


def workspace_person(
    workspace_id: int, user_id: int, *, viewer_id: int | None = None
) -> tuple[User, WorkspaceMember] | None:
    """One member of the workspace; None for anyone else, and, with `viewer_id`, for someone that viewer may
    not see (a guest sees only the people of their channels)."""
    with read_session() as session:
        user = session.get(User, user_id) if fits_id(user_id) else None
        member = session.get(WorkspaceMember, (workspace_id, user_id)) if user is not None else None
        hidden = viewer_id is not None and not may_see_person(session, viewer_id, workspace_id, user_id)
        if member is not None and hidden:
            return None
    return (user, member) if user is not None and member is not None else None


def _id(value: int | None) -> int:
    if value is None:
        raise AssertionError('row has no id')
    return value


def _row_id(row: Channel | Message) -> int:
    return _id(row.id)


def channel_kinds(channel_ids: Collection[int]) -> dict[int, ChannelKind]:
    """The kind of each of these channels (one query for a batch of Events API deliveries)."""
    wanted = set(channel_ids)
    if not wanted:
        return {}
    with read_session() as session:
        rows = session.exec(select(Channel.id, Channel.kind).where(col(Channel.id).in_(wanted))).all()
    return {channel_id: ChannelKind(kind) for channel_id, kind in rows if channel_id is not None}
