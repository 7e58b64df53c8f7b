"""users.list and users.info: the members of the token's workspace."""

from __future__ import annotations

from pydantic import Field

from api.slack.cursors import cursor_position, page_metadata
from api.slack.errors import SlackError
from api.slack.ids import user_id_of
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import user_json
from db.api_queries import people_page, workspace_person


class ListArgs(Args):
    limit: int = Field(default=200, ge=0, le=1000)  # 0 means the default, as in Slack
    cursor: str | None = None


@method('users.list', ListArgs)
def list_users(caller: Caller, args: ListArgs) -> Result:
    me = caller.me
    page = people_page(me.workspace_id, after_id=cursor_position(args.cursor) or 0, limit=args.limit or 200)
    return {
        'members': [user_json(user, member, caller.base_url) for user, member in page.items],
        'cache_ts': 0,
        'response_metadata': page_metadata(page.next_position),
    }


class InfoArgs(Args):
    user: str


@method('users.info', InfoArgs)
def user_info(caller: Caller, args: InfoArgs) -> Result:
    me = caller.me
    user_id = user_id_of(args.user)
    found = workspace_person(me.workspace_id, user_id) if user_id is not None else None
    if found is None:
        raise SlackError('user_not_found')
    return {'user': user_json(*found, caller.base_url)}
