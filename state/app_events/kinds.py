"""Which Slack events an internal event becomes, and who may hear of each (pure: no database, no ids).

A `Wanted` names the Slack event type and its scope: a channel (the app's bot must be a member; for
`public_scope` events any bot of the workspace, as Slack announces public channels to every app), or the whole
workspace (`team_join`, `user_change`). `message_changed` needs the text before the edit, which only an edit's
`MessageUpdated` carries (`previous_body`); the thread summaries and placeholders that also travel as
`MessageUpdated` produce nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import ChannelKind
from state.events import (
    ChannelCreated,
    ChannelUpdated,
    Event,
    MemberJoined,
    MemberLeft,
    MessageCreated,
    MessageDeleted,
    MessageUpdated,
    ReactionChanged,
    UserChanged,
)

_CHANNEL_CHANGES = {'rename': 'channel_rename', 'archive': 'channel_archive', 'unarchive': 'channel_unarchive'}
APP_EVENTS = (
    MessageCreated,
    MessageUpdated,
    MessageDeleted,
    ReactionChanged,
    ChannelCreated,
    ChannelUpdated,
    MemberJoined,
    MemberLeft,
    UserChanged,
)


@dataclass(frozen=True)
class Wanted:
    event_type: str
    channel_id: int | None  # None: workspace-wide
    public_scope: bool = False  # every bot of the workspace hears of it, member or not
    only_user_ids: tuple[int, ...] = ()  # app_mention: only the bots named here
    also_user_id: int | None = None  # member_left_channel: the bot that left hears of its own leaving


def wanted_events(event: Event) -> list[Wanted]:
    """The Slack events `event` can become (before subscriptions and visibility are applied)."""
    match event:
        case MessageCreated(message=message):
            wanted = [Wanted('message', message.channel_id)]
            if event.mentioned_user_ids:
                wanted.append(Wanted('app_mention', message.channel_id, only_user_ids=event.mentioned_user_ids))
            return wanted
        case MessageUpdated(previous_body=str()):
            return [Wanted('message', event.message.channel_id)]
        case MessageDeleted(channel_id=channel_id):
            return [Wanted('message', channel_id)]
        case ReactionChanged(channel_id=channel_id, added=added):
            return [Wanted('reaction_added' if added else 'reaction_removed', channel_id)]
        case ChannelCreated(channel=channel) if channel.kind in (ChannelKind.PUBLIC, ChannelKind.PRIVATE):
            return [Wanted('channel_created', channel.id, public_scope=channel.kind == ChannelKind.PUBLIC)]
        case ChannelUpdated(channel=channel, change=change) if change in _CHANNEL_CHANGES:
            public = channel.kind == ChannelKind.PUBLIC
            return [Wanted(_CHANNEL_CHANGES[change], channel.id, public_scope=public)]
        case MemberJoined(channel_id=None):
            return [Wanted('team_join', None)]
        case MemberJoined(channel_id=int() as channel_id):
            return [Wanted('member_joined_channel', channel_id)]
        case MemberLeft(channel_id=int() as channel_id, user_id=user_id):
            return [Wanted('member_left_channel', channel_id, also_user_id=user_id)]
        case UserChanged():
            return [Wanted('user_change', None)]
    return []


def may_hear(wanted: Wanted, bot_user_id: int, bot_channel_ids: frozenset[int] | set[int]) -> bool:
    """Whether an app whose bot is `bot_user_id`, a member of `bot_channel_ids`, gets this event."""
    if wanted.only_user_ids and bot_user_id not in wanted.only_user_ids:
        return False
    if wanted.channel_id is None or wanted.public_scope or wanted.also_user_id == bot_user_id:
        return True
    return wanted.channel_id in bot_channel_ids
