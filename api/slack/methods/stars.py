"""stars.add, stars.remove, stars.list: the token user's saved messages (the saved panel of the UI).

Only messages are saved here (Slack's `file` and whole-channel stars do not exist: `bad_item`). The list holds
only what the user may still read, newest first, paged by Slack's `count`/`page`.
"""

from __future__ import annotations

from pydantic import Field

from api.slack.errors import SlackError
from api.slack.ids import channel_sid
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import message_json
from db.api_queries import bot_user_ids
from db.pin_queries import saved_messages
from state.actions.saved import save_message, unsave_message


class StarArgs(Args):
    channel: str | None = None
    timestamp: str | None = None
    file: str | None = None
    file_comment: str | None = None


def _target(caller: Caller, args: StarArgs) -> int:
    if args.file or args.file_comment:
        raise SlackError('bad_item')  # only messages can be saved here
    if not args.channel or not args.timestamp:
        raise SlackError('bad_timestamp' if args.channel else 'channel_not_found')
    return message_in(conversation(caller.me, args.channel), args.timestamp).id


@method('stars.add', StarArgs)
def add(caller: Caller, args: StarArgs) -> Result:
    save_message(caller.me.user_id, _target(caller, args))
    return {}


@method('stars.remove', StarArgs)
def remove(caller: Caller, args: StarArgs) -> Result:
    unsave_message(caller.me.user_id, _target(caller, args))
    return {}


class ListArgs(Args):
    count: int = Field(default=100, ge=1, le=1000)
    page: int = Field(default=1, ge=1, le=100)


@method('stars.list', ListArgs)
def list_stars(caller: Caller, args: ListArgs) -> Result:
    me = caller.me
    saved = saved_messages(me.user_id, me.workspace_id)
    start = (args.page - 1) * args.count
    shown = saved[start : start + args.count]
    bots = bot_user_ids([item.message.author_id for item in shown])
    items = [
        {
            'type': 'message',
            'channel': channel_sid(item.channel.id or 0, item.channel.kind),
            'date_create': int(item.saved_at.timestamp()),
            'message': message_json(item.message, me.workspace_id, bots),
        }
        for item in shown
    ]
    pages = max(1, -(-len(saved) // args.count))
    return {'items': items, 'paging': {'count': args.count, 'total': len(saved), 'page': args.page, 'pages': pages}}
