"""Typed events for everything live. Each serializes to JSON (the Redis bus carries them between nodes).

Events are published only after the transaction that caused them committed, so an event never announces
something that is not durable. Views carry the compact shapes the browser needs (`MessageView`, ...), so a
subscriber can forward them without another database query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from db.views import AttachmentView as AttachmentView  # re-exported: events carry the views of db/views.py
from db.views import BookmarkView, ChannelView, Frozen, MessageView, ReactionView, UserView

# ---- events ---------------------------------------------------------------------------------------------


class MessageCreated(Frozen):
    type: Literal['message.created'] = 'message.created'
    workspace_id: int
    message: MessageView
    mentioned_user_ids: tuple[int, ...] = ()
    mentions_all: bool = False


class MessageUpdated(Frozen):
    type: Literal['message.updated'] = 'message.updated'
    workspace_id: int
    message: MessageView
    previous_body: str | None = None  # the text before an edit (the Events API's previous_message); None otherwise


class MessageDeleted(Frozen):
    type: Literal['message.deleted'] = 'message.deleted'
    workspace_id: int
    channel_id: int
    message_id: int
    thread_root_id: int | None = None


class ReactionChanged(Frozen):
    """A reaction was added or removed; carries the message's new aggregate for that emoji."""

    type: Literal['reaction.changed'] = 'reaction.changed'
    workspace_id: int
    channel_id: int
    message_id: int
    thread_root_id: int | None = None
    message_author_id: int  # the Events API's item_user
    user_id: int
    added: bool
    reaction: ReactionView  # count 0 when the last one went away


class ThreadReplied(Frozen):
    """The thread summary on a root message changed (sent to the channel, so the root's line updates)."""

    type: Literal['thread.replied'] = 'thread.replied'
    channel_id: int
    root_id: int
    reply_id: int
    reply_count: int
    last_reply_at: datetime
    reply_user_ids: tuple[int, ...]


class ChannelCreated(Frozen):
    type: Literal['channel.created'] = 'channel.created'
    channel: ChannelView


class ChannelUpdated(Frozen):
    """Name, topic or archived flag changed."""

    type: Literal['channel.updated'] = 'channel.updated'
    channel: ChannelView
    change: Literal['', 'topic', 'rename', 'archive', 'unarchive'] = ''  # what changed, for apps' events


class MemberJoined(Frozen):
    type: Literal['member.joined'] = 'member.joined'
    workspace_id: int
    channel_id: int | None  # None: joined the workspace
    user: UserView


class MemberLeft(Frozen):
    type: Literal['member.left'] = 'member.left'
    workspace_id: int
    channel_id: int | None
    user_id: int


class PresenceChanged(Frozen):
    """Only diffs travel: the users whose effective status changed."""

    type: Literal['presence.changed'] = 'presence.changed'
    statuses: dict[int, str]  # user id -> online | away | busy | offline


class TypingChanged(Frozen):
    type: Literal['typing.changed'] = 'typing.changed'
    channel_id: int
    thread_root_id: int | None = None
    user_id: int
    user_name: str
    typing: bool


class ReadPositionMoved(Frozen):
    type: Literal['read.moved'] = 'read.moved'
    channel_id: int
    user_id: int
    last_read_message_id: int


class UserChanged(Frozen):
    """Profile or custom status changed."""

    type: Literal['user.changed'] = 'user.changed'
    user: UserView


class NotificationsChanged(Frozen):
    """A member changed how a conversation notifies them (level or mute); only their own tabs care."""

    type: Literal['notifications.changed'] = 'notifications.changed'
    channel_id: int
    user_id: int
    level: str  # all | mentions | nothing
    muted: bool


class PresenceReport(Frozen):
    """Between nodes only (several nodes): one node's own view of who is present through its tabs.

    `full` replaces everything the receivers knew from that node (the periodic heartbeat, or the answer to a
    node they had not heard of); otherwise only the listed users changed ("offline": none of its tabs any
    more). `bye`: the node stops, forget it now rather than when its heartbeats stop."""

    type: Literal['presence.report'] = 'presence.report'
    node_id: str
    statuses: dict[int, str]
    full: bool = False
    bye: bool = False


class ManualPresenceSet(Frozen):
    """Between nodes only: a person set away/busy by hand (or went back to automatic) on `node_id`."""

    type: Literal['presence.manual'] = 'presence.manual'
    node_id: str
    user_id: int
    status: str | None
    until: float | None = None  # epoch seconds


class AppsChanged(Frozen):
    """A workspace's apps changed (created, disabled, enabled): every node forgets whether it has any."""

    type: Literal['apps.changed'] = 'apps.changed'
    workspace_id: int


class EphemeralView(Frozen):
    """A message shown to one person only, never stored (a command's answer, chat.postEphemeral)."""

    id: str  # random, so the browser can dismiss it; not a message id
    channel_id: int
    thread_root_id: int | None = None
    author_name: str
    html: str  # rendered and sanitized like a stored message
    created_at: datetime


class EphemeralPosted(Frozen):
    """Goes to `user:{id}` of its one reader: every tab of theirs on every node, and nobody else."""

    type: Literal['ephemeral.posted'] = 'ephemeral.posted'
    user_id: int
    message: EphemeralView


class SessionEnded(Frozen):
    """A login session was revoked (logout): its open pages must leave."""

    type: Literal['session.ended'] = 'session.ended'
    user_id: int
    session_id: int


class AppChanged(Frozen):
    """An app was switched off or on (told to its workspace; Socket Mode closes a disabled app's sockets)."""

    type: Literal['app.changed'] = 'app.changed'
    workspace_id: int
    app_id: int
    disabled: bool


class BookmarksChanged(Frozen):
    """A channel's bookmarks after one was added, edited or removed: the whole (short) list, in order."""

    type: Literal['bookmarks.changed'] = 'bookmarks.changed'
    channel_id: int
    bookmarks: tuple[BookmarkView, ...]


class ScheduledChanged(Frozen):
    """The person's scheduled messages in a workspace changed (scheduled, edited, cancelled, sent or failed);
    only their own tabs care, and they read the list again."""

    type: Literal['scheduled.changed'] = 'scheduled.changed'
    user_id: int
    workspace_id: int
    channel_id: int


class WorkspaceImported(Frozen):
    """A Slack import wrote people, conversations and history in bulk, without an event per row: views of
    the workspace (sidebars, rosters) reload from the database."""

    type: Literal['workspace.imported'] = 'workspace.imported'
    workspace_id: int


class WorkspaceSettingsChanged(Frozen):
    """An owner or admin changed the workspace's settings: open tabs show the new name and icon."""

    type: Literal['workspace.settings_changed'] = 'workspace.settings_changed'
    workspace_id: int
    name: str
    icon_emoji: str


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
    | AppsChanged
    | EphemeralPosted
    | PresenceReport
    | ManualPresenceSet
    | AppChanged
    | BookmarksChanged
    | ScheduledChanged
    | WorkspaceImported
    | WorkspaceSettingsChanged,
    Field(discriminator='type'),
]

event_adapter: TypeAdapter[Event] = TypeAdapter(Event)


def to_json(event: Event) -> str:
    return event.model_dump_json()


def from_json(data: str | bytes) -> Event:
    return event_adapter.validate_json(data)
