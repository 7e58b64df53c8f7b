"""reactions.list: the messages the token's user reacted to, newest reaction first, as Slack's items.

Only the token's own user (asking about someone else is refused: what they react to in conversations the
token cannot read is theirs). Pages by cursor (`limit`) or by Slack's older `count`/`page`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.slack.cursors import cursor_position, page_metadata
from api.slack.errors import SlackError
from api.slack.ids import channel_sid, user_id_of
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import message_json
from db.api_queries import bot_user_ids
from db.reaction_queries import ReactedMessage, reacted_page


class ListArgs(Args):
    user: str | None = None
    full: bool = False
    limit: int | None = Field(default=None, ge=0, le=1000)
    cursor: str | None = None
    count: int = Field(default=100, ge=1, le=1000)
    page: int = Field(default=1, ge=1, le=100)


@method('reactions.list', ListArgs)
def list_reactions(caller: Caller, args: ListArgs) -> Result:
    me = caller.me
    if args.user and user_id_of(args.user) != me.user_id:
        raise SlackError('user_not_found' if user_id_of(args.user) is None else 'restricted_action')
    if args.cursor is not None or args.limit is not None:
        page = reacted_page(me.user_id, me.workspace_id, before=cursor_position(args.cursor), limit=args.limit or 100)
        return {'items': _items(me.workspace_id, page.items), 'response_metadata': page_metadata(page.next_position)}
    before: int | None = None
    items: list[ReactedMessage] = []
    for _ in range(args.page):  # count/page: walk the keyset pages (page is capped)
        page = reacted_page(me.user_id, me.workspace_id, before=before, limit=args.count)
        items, before = page.items, page.next_position
        if before is None:
            break
    pages = args.page if before is None else args.page + 1
    paging = {'count': args.count, 'total': len(items), 'page': args.page, 'pages': pages}
    return {'items': _items(me.workspace_id, items), 'paging': paging}


def _items(workspace_id: int, reacted: list[ReactedMessage]) -> list[dict[str, Any]]:
    bots = bot_user_ids([item.message.author_id for item in reacted])
    return [
        {
            'type': 'message',
            'channel': channel_sid(item.channel.id or 0, item.channel.kind),
            'message': message_json(item.message, workspace_id, bots),
        }
        for item in reacted
    ]
