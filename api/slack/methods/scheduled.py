"""chat.scheduleMessage, chat.scheduledMessages.list, chat.deleteScheduledMessage: the caller's own scheduled
messages, through the same actions as the composer's schedule menu (state/actions/scheduled.py).

Scheduled message ids are `Q` plus the integer id in upper-case base 36 (Slack's look `Q1298393284`); a forged
one names a row that does not exist or is someone else's: `invalid_scheduled_message_id` either way.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from api.slack.cursors import cursor_position, page_metadata
from api.slack.errors import SlackError
from api.slack.ids import bot_sid, channel_sid, ts_of, user_sid
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from db.api_queries import message_ts_us
from db.models import ChannelKind, fits_id
from db.scheduled_queries import WAITING_STATES, ScheduledView, channel_kinds, own_scheduled, own_scheduled_one
from state.actions.scheduled import cancel_scheduled_message, schedule_message
from state.actions.tokens import TokenIdentity

_SID_BODY = re.compile(r'[0-9A-Za-z]{1,13}')
_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
MAX_LIMIT = 100


def scheduled_sid(scheduled_id: int) -> str:
    digits = ''
    value = scheduled_id
    while value:
        value, remainder = divmod(value, 36)
        digits = _DIGITS[remainder] + digits
    return 'Q' + digits.rjust(8, '0')


def scheduled_id_of(sid: object) -> int | None:
    if not isinstance(sid, str) or len(sid) < 2 or sid[0] not in 'Qq' or not _SID_BODY.fullmatch(sid[1:]):
        return None
    number = int(sid[1:], 36)
    return number if fits_id(number) else None


def _post_at(value: str | int | float) -> datetime:
    """Slack's `post_at`: Unix seconds, as a number or a string. Times before 1970 are in the past; times past
    what a date can hold are too far."""
    try:
        seconds = float(value)
    except (TypeError, ValueError) as error:
        raise SlackError('invalid_time') from error
    if not math.isfinite(seconds):
        raise SlackError('time_too_far' if seconds > 0 else 'invalid_time')
    if seconds <= 0:
        raise SlackError('time_in_past')
    try:
        return datetime.fromtimestamp(int(seconds), UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise SlackError('time_too_far') from error


class ScheduleArgs(Args):
    channel: str
    text: str = ''
    post_at: str | int | float
    thread_ts: str | None = None
    reply_broadcast: bool = False


@method('chat.scheduleMessage', ScheduleArgs)
def schedule(caller: Caller, args: ScheduleArgs) -> Result:
    me = caller.me
    post_at = _post_at(args.post_at)
    access = conversation(me, args.channel)
    channel_id = access.channel.id or 0
    root_id = None
    if args.thread_ts:
        parent = message_in(access, args.thread_ts, missing='thread_not_found')
        root_id = parent.thread_root_id or parent.id  # a reply's ts threads into its parent, as in Slack
    view = schedule_message(
        me.user_id, channel_id, args.text, post_at, thread_root_id=root_id, also_in_channel=args.reply_broadcast
    )
    return {
        'channel': channel_sid(channel_id, access.channel.kind),
        'scheduled_message_id': scheduled_sid(view.id),
        'post_at': int(view.post_at.timestamp()),
        'message': _message_json(view, me),
    }


class ListArgs(Args):
    channel: str | None = None
    latest: str | None = None
    oldest: str | None = None
    limit: int = Field(default=100, ge=0, le=1000)
    cursor: str | None = None


@method('chat.scheduledMessages.list', ListArgs)
def list_scheduled(caller: Caller, args: ListArgs) -> Result:
    """The caller's messages still waiting to be sent in this workspace, soonest first."""
    me = caller.me
    channel_id = conversation(me, args.channel).channel.id if args.channel else None
    after = None
    position = cursor_position(args.cursor)
    if position is not None:
        last = own_scheduled_one(me.user_id, position)
        if last is None or last.workspace_id != me.workspace_id:
            raise SlackError('invalid_cursor')
        after = (last.post_at, last.id)
    limit = min(max(args.limit or MAX_LIMIT, 1), MAX_LIMIT)
    rows = own_scheduled(
        me.user_id,
        me.workspace_id,
        channel_id,
        states=WAITING_STATES,
        after=after,
        oldest=_bound(args.oldest, 'invalid_ts_oldest'),
        latest=_bound(args.latest, 'invalid_ts_latest'),
        limit=limit + 1,
    )
    page, more = rows[:limit], len(rows) > limit
    kinds = channel_kinds({row.channel_id for row in page})
    return {
        'scheduled_messages': [
            {
                'id': scheduled_sid(row.id),
                'channel_id': channel_sid(row.channel_id, kinds.get(row.channel_id, ChannelKind.PUBLIC)),
                'post_at': int(row.post_at.timestamp()),
                'date_created': int(row.created_at.timestamp()),
                'text': row.body,
            }
            for row in page
        ],
        'response_metadata': page_metadata(page[-1].id if more and page else None),
    }


class DeleteArgs(Args):
    channel: str
    scheduled_message_id: str


@method('chat.deleteScheduledMessage', DeleteArgs)
def delete_scheduled(caller: Caller, args: DeleteArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    scheduled_id = scheduled_id_of(args.scheduled_message_id)
    row = own_scheduled_one(me.user_id, scheduled_id) if scheduled_id is not None else None
    if row is None or row.channel_id != access.channel.id:
        raise SlackError('invalid_scheduled_message_id')
    cancel_scheduled_message(me.user_id, row.id)
    return {}


def _message_json(view: ScheduledView, me: TokenIdentity) -> dict[str, Any]:
    data: dict[str, Any] = {'type': 'delayed_message', 'text': view.body, 'user': user_sid(view.author_id)}
    if me.is_bot:
        data['bot_id'] = bot_sid(view.author_id)
        data['subtype'] = 'bot_message'
    if view.thread_root_id is not None:
        data['thread_ts'] = ts_of(message_ts_us(view.thread_root_id))
    return data


def _bound(value: str | None, code: str) -> datetime | None:
    if value is None or value == '':
        return None
    try:
        seconds = float(value)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(value)
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise SlackError(code) from error
