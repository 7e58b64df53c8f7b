"""Send, edit and delete messages (thread replies included).

Each action: validate -> authorize -> persist in one transaction -> publish after commit. Text is rendered
here, once, and stored beside its source. A retried send (same author and client_msg_id) returns the
original message and publishes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from db.engine import read_session
from db.models import (
    Attachment,
    Channel,
    ChannelMember,
    Mention,
    Message,
    Reaction,
    User,
    Workspace,
    epoch_us,
    utcnow,
)
from db.view_builders import message_view, message_views, new_message_view, reply_user_ids
from db.workspace_settings_queries import settings_in_session
from settings import get_settings
from state import metrics
from state.actions.file_release import release_for_message
from state.actions.guards import (
    MESSAGE_NOT_FOUND,
    at_least,
    is_admin,
    joined_channel,
    live_message,
    require_id,
    visible_channel,
    workspace_membership,
    writable,
)
from state.actions.message_refs import WorkspaceResolver
from state.actions.pins import drop_pin_of
from state.actions.saved import drop_saved_of
from state.bus import channel_topic, thread_topic, user_topic
from state.errors import ActionError, Conflict, Forbidden, InvalidInput, NotFound
from state.events import (
    Event,
    MessageCreated,
    MessageDeleted,
    MessageUpdated,
    MessageView,
    ReadPositionMoved,
    ThreadReplied,
)
from state.rate_limit import limiter
from state.render import Rendered, render_message
from state.stores import typing
from state.text_safety import strip_unsafe_characters
from state.unit_of_work import unit_of_work

MAX_ATTACHMENTS = 10
MAX_CLIENT_MSG_ID = 64

Published = list[tuple[str, Event]]


def send_message(
    actor_id: int,
    channel_id: int,
    body: str,
    client_msg_id: str | None,
    thread_root_id: int | None = None,
    also_in_channel: bool = False,
    attachment_ids: Sequence[str] = (),
) -> MessageView:
    """Post a message (or a thread reply when `thread_root_id` is given) and return it as everyone sees it."""
    text = _clean_body(body, allow_empty=bool(attachment_ids))
    client_msg_id = _clean_client_msg_id(client_msg_id)
    if len(set(attachment_ids)) > MAX_ATTACHMENTS:
        raise InvalidInput(f'A message can carry at most {MAX_ATTACHMENTS} files.')
    # A retry (same author and client_msg_id) is only looked for when the send fails: the unique constraint
    # refuses the second copy, and a retry after the channel closed to its author still gets its original.
    spent = False
    try:
        limiter.take('message', actor_id)
        spent = True
        with unit_of_work() as uow:
            view, events = _send(
                uow.session, actor_id, channel_id, text, client_msg_id, thread_root_id, also_in_channel, attachment_ids
            )
            uow.publish_many(events)
    except (ActionError, IntegrityError):
        original = _original(actor_id, client_msg_id, channel_id) if client_msg_id is not None else None
        if original is None:
            raise
        if spent:
            limiter.give_back('message', actor_id)  # a retry is not a new message: it costs no token
        return original
    metrics.messages_sent.inc()  # only a new message gets here: a retry returned its original above
    typing.typing_stopped(actor_id, channel_id, view.thread_root_id)  # sending ends "is typing"
    return view


def check_sendable(session: Session, actor_id: int, channel_id: int, body: str, thread_root_id: int | None) -> str:
    """What a send checks before it writes, for a message sent later (scheduled): the text (cleaned and
    returned), that the actor may post in the channel now, and the thread it replies to."""
    text = _clean_body(body, allow_empty=False)
    channel, _ = joined_channel(session, actor_id, channel_id)
    writable(channel)
    if thread_root_id is not None:
        _thread_root(session, channel_id, thread_root_id)
    return text


def _send(
    session: Session,
    actor_id: int,
    channel_id: int,
    text: str,
    client_msg_id: str | None,
    thread_root_id: int | None,
    also_in_channel: bool,
    attachment_ids: Sequence[str],
) -> tuple[MessageView, Published]:
    channel, member = joined_channel(session, actor_id, channel_id)
    writable(channel)
    root = _thread_root(session, channel_id, thread_root_id) if thread_root_id is not None else None
    attachments = _pending_attachments(session, actor_id, channel_id, attachment_ids)
    rendered = _render(session, channel, text)
    mentioned = _mentionable(session, channel_id, rendered, exclude=actor_id)
    # Sends to one channel take turns from here to commit, so ids commit in increasing order and a catch-up
    # "after id N" cannot miss a smaller id that commits late (PostgreSQL; SQLite serialises all writers).
    session.exec(select(Channel.id).where(Channel.id == channel_id).with_for_update())
    sent_at = utcnow()
    message = Message(
        channel_id=channel_id,
        author_id=actor_id,
        thread_root_id=thread_root_id,
        also_in_channel=also_in_channel and root is not None,
        body=text,
        html=rendered.html,
        client_msg_id=client_msg_id,
        mentions_all=rendered.mentions_all,
        created_at=sent_at,
        ts_us=_next_ts_us(session, channel_id, epoch_us(sent_at)),
    )
    session.add(message)
    session.flush()  # assigns the id: the server's order
    message_id = require_id(message.id)
    for attachment in attachments:
        attachment.message_id = message_id
    for user_id in mentioned:
        session.add(Mention(message_id=message_id, user_id=user_id, channel_id=channel_id))
    in_channel = root is None or message.also_in_channel
    read_moved = in_channel and member.last_read_message_id < message_id
    if in_channel:
        session.execute(
            update(Channel)
            .where(col(Channel.id) == channel_id)
            .values(last_message_id=at_least(col(Channel.last_message_id), message_id))
        )
    if read_moved:  # the sender has seen everything up to their own message
        session.execute(
            update(ChannelMember)
            .where(col(ChannelMember.channel_id) == channel_id, col(ChannelMember.user_id) == actor_id)
            .values(last_read_message_id=at_least(col(ChannelMember.last_read_message_id), message_id))
        )
    if root is not None:
        session.execute(
            update(Message)
            .where(col(Message.id) == root.id)
            .values(reply_count=Message.reply_count + 1, last_reply_at=message.created_at)
        )
        session.refresh(root)
    session.flush()
    author = session.get(User, actor_id)
    view = new_message_view(message, author.display_name if author is not None else 'Unknown user', attachments)

    workspace_id = channel.workspace_id
    created = MessageCreated(
        workspace_id=workspace_id, message=view, mentioned_user_ids=tuple(mentioned), mentions_all=rendered.mentions_all
    )
    events: Published = []
    if in_channel:
        events.append((channel_topic(channel_id), created))
    if root is not None:
        root_id = require_id(root.id)
        events.append((thread_topic(root_id), created))
        summary = ThreadReplied(
            channel_id=channel_id,
            root_id=root_id,
            reply_id=message_id,
            reply_count=root.reply_count,
            last_reply_at=message.created_at,
            reply_user_ids=reply_user_ids(session, root_id),
        )
        events.append((channel_topic(channel_id), summary))
        # The thread's followers (its author and everyone who replied) hear of the reply on their own topic,
        # so their tabs can notify them; mentioned people get it below anyway.
        followers = {root.author_id, *summary.reply_user_ids} - set(mentioned) - {actor_id}
        events.extend((user_topic(uid), created) for uid in sorted(followers))
    events.extend((user_topic(user_id), created) for user_id in mentioned)
    if read_moved:
        moved = ReadPositionMoved(channel_id=channel_id, user_id=actor_id, last_read_message_id=message_id)
        events.append((user_topic(actor_id), moved))
    return view, events


def edit_message(actor_id: int, message_id: int, body: str) -> MessageView:
    """Change the text of one's own message; unchanged text is a no-op that publishes nothing."""
    with unit_of_work() as uow:
        session = uow.session
        message = live_message(session, message_id)
        channel, _ = visible_channel(session, actor_id, message.channel_id)
        if message.author_id != actor_id:
            raise Forbidden('You can only edit your own messages.', code='cant_update_message')
        joined_channel(session, actor_id, message.channel_id)
        writable(channel)
        _within_edit_window(session, channel.workspace_id, message)
        has_files = session.exec(select(Attachment.id).where(Attachment.message_id == message_id)).first() is not None
        text = _clean_body(body, allow_empty=has_files)
        if text == message.body:
            return message_views(session, [message])[0]
        previous_body = message.body
        rendered = _render(session, channel, text)
        mentioned = _mentionable(session, message.channel_id, rendered, exclude=actor_id)
        session.execute(delete(Mention).where(col(Mention.message_id) == message_id))
        for user_id in mentioned:
            session.add(Mention(message_id=message_id, user_id=user_id, channel_id=message.channel_id))
        message.body = text
        message.html = rendered.html
        message.mentions_all = rendered.mentions_all
        message.edited_at = utcnow()
        session.add(message)
        session.flush()
        view = message_views(session, [message])[0]
        updated = MessageUpdated(workspace_id=channel.workspace_id, message=view, previous_body=previous_body)
        uow.publish_many((topic, updated) for topic in message_topics(message))
    return view


def _within_edit_window(session: Session, workspace_id: int, message: Message) -> None:
    """The workspace's edit window (minutes after sending; 0 = always) has not closed."""
    minutes = settings_in_session(session, workspace_id).edit_window_minutes
    if minutes and utcnow() - message.created_at > timedelta(minutes=minutes):
        raise Forbidden(
            f'Messages can be edited only in the first {minutes} minutes after sending.', code='edit_window_closed'
        )


def delete_message(actor_id: int, message_id: int) -> None:
    """Delete a message: its author, or a workspace admin/owner, may.

    The row stays (soft delete) with its text erased; a thread root that still has replies keeps showing
    as a placeholder. Deleting a reply updates its root's summary.
    """
    with unit_of_work() as uow:
        session = uow.session
        message = live_message(session, message_id)
        channel, _ = visible_channel(session, actor_id, message.channel_id)
        admin = is_admin(workspace_membership(session, channel.workspace_id, actor_id))
        if message.author_id != actor_id and not admin:
            raise Forbidden('You can only delete your own messages.', code='cant_delete_message')
        others_deletable = settings_in_session(session, channel.workspace_id).delete_others != 'nobody'
        if message.author_id != actor_id and not others_deletable:
            raise Forbidden("In this workspace nobody deletes other people's messages.", code='cant_delete_message')
        if channel.archived and not admin:
            writable(channel)
        message.deleted_at = utcnow()
        message.body = ''
        message.html = ''
        message.mentions_all = False
        session.add(message)
        session.execute(delete(Mention).where(col(Mention.message_id) == message_id))
        session.execute(delete(Reaction).where(col(Reaction.message_id) == message_id))
        release_for_message(session, message_id)
        drop_pin_of(session, message)  # pins and saved items vanish with the message; their lists hear of it
        drop_saved_of(session, message)
        session.flush()
        placeholder = message.thread_root_id is None and message.reply_count > 0
        deleted = MessageDeleted(
            workspace_id=channel.workspace_id,
            channel_id=message.channel_id,
            message_id=message_id,
            thread_root_id=message.thread_root_id,
        )
        events: Published = [(topic, deleted) for topic in message_topics(message)]
        if placeholder:
            view = message_views(session, [message])[0]  # renders as "This message was deleted."
            updated = MessageUpdated(workspace_id=channel.workspace_id, message=view)
            events = [(topic, updated) for topic in message_topics(message)]
        if message.thread_root_id is not None:
            events.extend(_reply_removed(session, channel.workspace_id, message.thread_root_id))
        uow.publish_many(events)


def _reply_removed(session: Session, workspace_id: int, root_id: int) -> Published:
    """Shrink the root's thread summary after one of its replies was deleted."""
    # Lock the root before counting, so a reply sent meanwhile is either counted or waits (PostgreSQL).
    session.exec(select(Message.id).where(Message.id == root_id).with_for_update())
    remaining = session.exec(
        select(func.count(), func.max(Message.created_at)).where(
            Message.thread_root_id == root_id, col(Message.deleted_at).is_(None)
        )
    ).one()
    count, newest = int(remaining[0] or 0), remaining[1]
    root = session.get(Message, root_id)
    if root is None:
        return []
    root.reply_count = count
    root.last_reply_at = newest
    session.add(root)
    session.flush()
    if root.deleted_at is not None and count == 0:
        # The placeholder has nothing left to hold together: it goes away as well.
        gone = MessageDeleted(
            workspace_id=workspace_id, channel_id=root.channel_id, message_id=root_id, thread_root_id=None
        )
        return [(topic, gone) for topic in message_topics(root)]
    updated = MessageUpdated(workspace_id=workspace_id, message=message_views(session, [root])[0])
    return [(topic, updated) for topic in message_topics(root)]


def message_topics(message: Message) -> list[str]:
    """Where a change to this message is announced: the channel list (if it shows there) and its thread."""
    message_id = require_id(message.id)
    if message.thread_root_id is None:
        return [channel_topic(message.channel_id), thread_topic(message_id)]
    topics = [channel_topic(message.channel_id)] if message.also_in_channel else []
    topics.append(thread_topic(message.thread_root_id))
    return topics


# ---- helpers ----------------------------------------------------------------------------------------------


def _clean_body(body: str, *, allow_empty: bool) -> str:
    if not isinstance(body, str):
        raise InvalidInput('A message must be text.')
    text = strip_unsafe_characters(body).strip()
    if not text and not allow_empty:
        raise InvalidInput('A message cannot be empty.', code='no_text')
    limit = get_settings().max_message_chars
    if len(text) > limit:
        raise InvalidInput(
            f'A message can be at most {limit:,} characters long (this one has {len(text):,}).', code='msg_too_long'
        )
    return text


def _clean_client_msg_id(client_msg_id: str | None) -> str | None:
    if client_msg_id is None:
        return None
    if not isinstance(client_msg_id, str) or not 0 < len(client_msg_id) <= MAX_CLIENT_MSG_ID:
        raise InvalidInput(f'client_msg_id must be 1 to {MAX_CLIENT_MSG_ID} characters.')
    return client_msg_id


def _original(actor_id: int, client_msg_id: str, channel_id: int) -> MessageView | None:
    """The message an earlier attempt of this send already stored, if any."""
    with read_session() as session:
        message = session.exec(
            select(Message).where(Message.author_id == actor_id, Message.client_msg_id == client_msg_id)
        ).first()
        if message is None:
            return None
        if message.channel_id != channel_id:
            raise Conflict('This client_msg_id was already used for a message in another conversation.')
        view = message_view(require_id(message.id), session=session)
        if view is None:  # sent, then deleted: a late retry must not resurrect it
            raise NotFound(MESSAGE_NOT_FOUND, code='message_not_found')
        return view


def _next_ts_us(session: Session, channel_id: int, now_us: int) -> int:
    """The send time, or one microsecond after the channel's newest `ts` when that is not earlier (a burst, or a
    clock step back): unique and increasing per channel. Runs under the channel lock taken before it."""
    newest = session.exec(select(func.max(Message.ts_us)).where(Message.channel_id == channel_id)).one()
    return max(now_us, (newest or 0) + 1)


def _thread_root(session: Session, channel_id: int, root_id: int) -> Message:
    root = session.get(Message, root_id)
    if root is None or root.channel_id != channel_id:
        raise NotFound('The thread you replied to does not exist in this conversation.', code='thread_not_found')
    if root.thread_root_id is not None:
        raise InvalidInput('Replies go to the thread of a top-level message, not to another reply.')
    if root.deleted_at is not None and root.reply_count == 0:
        raise NotFound('The message you replied to was deleted.', code='thread_not_found')
    return root


def _pending_attachments(
    session: Session, actor_id: int, channel_id: int, public_ids: Sequence[str]
) -> list[Attachment]:
    wanted = set(public_ids)
    if not wanted:
        return []
    rows = session.exec(select(Attachment).where(col(Attachment.public_id).in_(wanted))).all()
    usable = [
        row for row in rows if row.message_id is None and row.uploader_id == actor_id and row.channel_id == channel_id
    ]
    if len(usable) != len(wanted):
        raise NotFound('One of the files is not an upload of yours waiting to be sent here; upload it again.')
    return usable


def _render(session: Session, channel: Channel, text: str) -> Rendered:
    workspace = session.get(Workspace, channel.workspace_id)
    slug = workspace.slug if workspace is not None else ''
    resolver = WorkspaceResolver(session, channel.workspace_id, slug, require_id(channel.id))
    return render_message(text, resolver)


def _mentionable(session: Session, channel_id: int, rendered: Rendered, *, exclude: int) -> list[int]:
    """Mentioned people who are in the conversation (others are not notified: it would leak its content)."""
    wanted = [uid for uid in rendered.mentioned_user_ids if uid != exclude]
    if not wanted:
        return []
    members = set(
        session.exec(
            select(ChannelMember.user_id).where(
                ChannelMember.channel_id == channel_id, col(ChannelMember.user_id).in_(wanted)
            )
        ).all()
    )
    return [uid for uid in wanted if uid in members]
