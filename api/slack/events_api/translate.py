"""Internal events as Slack's Events API `event` objects. Ids and message shapes come from ids.py / shapes.py."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from api.slack.ids import channel_sid, team_sid, ts_of, user_sid
from api.slack.shapes import message_json
from db.api_queries import message_ts_us
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
    UserView,
)

CHANNEL_TYPES = {
    ChannelKind.PUBLIC: 'channel',
    ChannelKind.PRIVATE: 'group',
    ChannelKind.DIRECT: 'im',
    ChannelKind.GROUP: 'mpim',
}
# app_mention carries the message's own fields, not everything a message has.
_MENTION_KEYS = ('user', 'text', 'ts', 'thread_ts', 'team', 'client_msg_id', 'bot_id', 'edited', 'files')


def event_ts(moment: datetime) -> str:
    """A time as Slack writes `event_ts` (seconds with six decimals); not a message ts."""
    return f'{moment.timestamp():.6f}'


def slack_event(
    event: Event,
    event_type: str,
    *,
    workspace_id: int,
    channel_kinds: Mapping[int, ChannelKind],
    bot_ids: Collection[int],
    event_time: datetime,
) -> dict[str, Any] | None:
    """The `event` object of `event_type` for `event`, or None when it does not make one."""
    now_ts = event_ts(event_time)

    def channel(channel_id: int) -> tuple[str, str]:
        kind = channel_kinds.get(channel_id, ChannelKind.PUBLIC)
        return channel_sid(channel_id, kind), CHANNEL_TYPES[kind]

    match event:
        case MessageCreated(message=view):
            data = message_json(view, workspace_id, bot_ids)
            sid, channel_type = channel(view.channel_id)
            if event_type == 'app_mention':
                mention = {key: data[key] for key in _MENTION_KEYS if key in data}
                return {'type': 'app_mention', **mention, 'channel': sid, 'event_ts': data['ts']}
            return {**data, 'channel': sid, 'event_ts': data['ts'], 'channel_type': channel_type}
        case MessageUpdated(message=view, previous_body=str() as previous):
            sid, channel_type = channel(view.channel_id)
            current = message_json(view, workspace_id, bot_ids)
            before = {key: value for key, value in current.items() if key != 'edited'} | {'text': previous}
            return {
                'type': 'message',
                'subtype': 'message_changed',
                'hidden': True,
                'message': current,
                'previous_message': before,
                'channel': sid,
                'channel_type': channel_type,
                'ts': now_ts,
                'event_ts': now_ts,
            }
        case MessageDeleted(channel_id=channel_id, message_id=message_id):
            sid, channel_type = channel(channel_id)
            data = {
                'type': 'message',
                'subtype': 'message_deleted',
                'hidden': True,
                'deleted_ts': _ts(message_id),
                'channel': sid,
                'channel_type': channel_type,
                'ts': now_ts,
                'event_ts': now_ts,
            }
            if event.thread_root_id is not None:
                data['thread_ts'] = _ts(event.thread_root_id)
            return data
        case ReactionChanged(channel_id=channel_id):
            sid, _ = channel(channel_id)
            return {
                'type': event_type,
                'user': user_sid(event.user_id),
                'reaction': event.reaction.emoji,
                'item': {'type': 'message', 'channel': sid, 'ts': _ts(event.message_id)},
                'item_user': user_sid(event.message_author_id),
                'event_ts': now_ts,
            }
        case ChannelCreated(channel=view) | ChannelUpdated(channel=view) if event_type in (
            'channel_created',
            'channel_rename',
        ):
            sid = channel_sid(view.id, view.kind)
            body = {'id': sid, 'name': view.name or '', 'created': int(event_time.timestamp())}
            return {'type': event_type, 'channel': body, 'event_ts': now_ts}
        case ChannelUpdated(channel=view):
            return {'type': event_type, 'channel': channel_sid(view.id, view.kind), 'event_ts': now_ts}
        case MemberJoined(channel_id=None, user=user):
            return {'type': 'team_join', 'user': user_object(user, workspace_id, bot_ids), 'event_ts': now_ts}
        case MemberJoined(channel_id=int() as channel_id, user=user):
            return _membership(event_type, user.id, channel(channel_id)[0], workspace_id, now_ts)
        case MemberLeft(channel_id=int() as channel_id, user_id=user_id):
            return _membership(event_type, user_id, channel(channel_id)[0], workspace_id, now_ts)
        case UserChanged(user=user):
            return {'type': 'user_change', 'user': user_object(user, workspace_id, bot_ids), 'event_ts': now_ts}
    return None


def _ts(message_id: int) -> str:
    """The `ts` of a message an event names only by id (deletions, reactions): one indexed read, off the loop."""
    return ts_of(message_ts_us(message_id))


def _membership(event_type: str, user_id: int, sid: str, workspace_id: int, now_ts: str) -> dict[str, Any]:
    return {
        'type': event_type,
        'user': user_sid(user_id),
        'channel': sid,
        'channel_type': sid[0],  # Slack writes C or G here
        'team': team_sid(workspace_id),
        'event_ts': now_ts,
    }


def user_object(user: UserView, workspace_id: int, bot_ids: Collection[int]) -> dict[str, Any]:
    """The short user object team_join and user_change carry."""
    return {
        'id': user_sid(user.id),
        'team_id': team_sid(workspace_id),
        'name': user.display_name,
        'real_name': user.display_name,
        'deleted': False,
        'is_bot': user.id in bot_ids,
        'profile': {
            'display_name': user.display_name,
            'real_name': user.display_name,
            'status_text': user.status_text,
            'status_emoji': user.status_emoji,
        },
    }
