"""Typed events for everything live. Each serializes to JSON (the Redis bus carries them between nodes).

Events are published only after the transaction that caused them committed, so an event never announces
something that is not durable. Views carry the compact shapes the browser needs (`MessageView`, ...), so a
subscriber can forward them without another database query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


# ---- shared views ---------------------------------------------------------------------------------------


class ReactionView(_Frozen):
    emoji: str  # shortcode without colons
    count: int
    user_ids: tuple[int, ...]


class AttachmentView(_Frozen):
    id: str  # public id used in URLs
    name: str
    size: int
    mime: str
    width: int | None = None
    height: int | None = None
    has_thumbnail: bool = False


class MessageView(_Frozen):
    """A message as every viewer sees it (per-viewer bits, like "is this mine", are derived in the browser)."""

    id: int
    channel_id: int
    thread_root_id: int | None
    author_id: int
    author_name: str
    html: str
    body: str
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False
    also_in_channel: bool = False
    client_msg_id: str | None = None
    reply_count: int = 0
    last_reply_at: datetime | None = None
    reply_user_ids: tuple[int, ...] = ()
    reactions: tuple[ReactionView, ...] = ()
    attachments: tuple[AttachmentView, ...] = ()


class ChannelView(_Frozen):
    id: int
    workspace_id: int
    kind: str  # public | private | direct | group
    name: str | None
    topic: str = ''
    archived: bool = False
    member_ids: tuple[int, ...] = ()  # filled for direct and group conversations only


class UserView(_Frozen):
    id: int
    display_name: str
    status_text: str = ''
    status_emoji: str = ''


# ---- events ---------------------------------------------------------------------------------------------


class MessageCreated(_Frozen):
    type: Literal['message.created'] = 'message.created'
    workspace_id: int
    message: MessageView
    mentioned_user_ids: tuple[int, ...] = ()
    mentions_all: bool = False


class MessageUpdated(_Frozen):
    type: Literal['message.updated'] = 'message.updated'
    workspace_id: int
    message: MessageView


class MessageDeleted(_Frozen):
    type: Literal['message.deleted'] = 'message.deleted'
    workspace_id: int
    channel_id: int
    message_id: int
    thread_root_id: int | None = None


class ReactionChanged(_Frozen):
    """A reaction was added or removed; carries the message's new aggregate for that emoji."""

    type: Literal['reaction.changed'] = 'reaction.changed'
    channel_id: int
    message_id: int
    thread_root_id: int | None = None
    user_id: int
    added: bool
    reaction: ReactionView  # count 0 when the last one went away


class ThreadReplied(_Frozen):
    """The thread summary on a root message changed (sent to the channel, so the root's line updates)."""

    type: Literal['thread.replied'] = 'thread.replied'
    channel_id: int
    root_id: int
    reply_id: int
    reply_count: int
    last_reply_at: datetime
    reply_user_ids: tuple[int, ...]


class ChannelCreated(_Frozen):
    type: Literal['channel.created'] = 'channel.created'
    channel: ChannelView


class ChannelUpdated(_Frozen):
    """Name, topic or archived flag changed."""

    type: Literal['channel.updated'] = 'channel.updated'
    channel: ChannelView


class MemberJoined(_Frozen):
    type: Literal['member.joined'] = 'member.joined'
    workspace_id: int
    channel_id: int | None  # None: joined the workspace
    user: UserView


class MemberLeft(_Frozen):
    type: Literal['member.left'] = 'member.left'
    workspace_id: int
    channel_id: int | None
    user_id: int


class PresenceChanged(_Frozen):
    """Only diffs travel: the users whose effective status changed."""

    type: Literal['presence.changed'] = 'presence.changed'
    statuses: dict[int, str]  # user id -> online | away | busy | offline


class TypingChanged(_Frozen):
    type: Literal['typing.changed'] = 'typing.changed'
    channel_id: int
    thread_root_id: int | None = None
    user_id: int
    user_name: str
    typing: bool


class ReadPositionMoved(_Frozen):
    type: Literal['read.moved'] = 'read.moved'
    channel_id: int
    user_id: int
    last_read_message_id: int


class UserChanged(_Frozen):
    """Profile or custom status changed."""

    type: Literal['user.changed'] = 'user.changed'
    user: UserView


class NotificationsChanged(_Frozen):
    """A member changed how a conversation notifies them (level or mute); only their own tabs care."""

    type: Literal['notifications.changed'] = 'notifications.changed'
    channel_id: int
    user_id: int
    level: str  # all | mentions | nothing
    muted: bool


class PresenceReport(_Frozen):
    """Between nodes only (several nodes): one node's own view of who is present through its tabs.

    `full` replaces everything the receivers knew from that node (the periodic heartbeat, or the answer to a
    node they had not heard of); otherwise only the listed users changed ("offline": none of its tabs any
    more). `bye`: the node stops, forget it now rather than when its heartbeats stop."""

    type: Literal['presence.report'] = 'presence.report'
    node_id: str
    statuses: dict[int, str]
    full: bool = False
    bye: bool = False


class ManualPresenceSet(_Frozen):
    """Between nodes only: a person set away/busy by hand (or went back to automatic) on `node_id`."""

    type: Literal['presence.manual'] = 'presence.manual'
    node_id: str
    user_id: int
    status: str | None
    until: float | None = None  # epoch seconds


class SessionEnded(_Frozen):
    """A login session was revoked (logout): its open pages must leave."""

    type: Literal['session.ended'] = 'session.ended'
    user_id: int
    session_id: int


Event = Annotated[
    MessageCreated
    | MessageUpdated
    | MessageDeleted
    | ReactionChanged
    | ThreadReplied
    | ChannelCreated
    | ChannelUpdated
    | MemberJoined
    | MemberLeft
    | PresenceChanged
    | TypingChanged
    | ReadPositionMoved
    | UserChanged
    | NotificationsChanged
    | SessionEnded
    | PresenceReport
    | ManualPresenceSet,
    Field(discriminator='type'),
]

event_adapter: TypeAdapter[Event] = TypeAdapter(Event)


def to_json(event: Event) -> str:
    return event.model_dump_json()


def from_json(data: str | bytes) -> Event:
    return event_adapter.validate_json(data)
