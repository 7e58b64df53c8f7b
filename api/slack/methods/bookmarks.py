"""bookmarks.add, .edit, .remove, .list: the links under a channel's header; members of the channel manage them.

Only Slack's `type=link` exists here. Bookmark ids are `Bk` and our id in decimal, padded (`Bk00000007`).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.slack.errors import SlackError
from api.slack.ids import channel_sid, team_sid, user_sid
from api.slack.lookup import conversation
from api.slack.registry import Args, Caller, Result, method
from db.bookmark_queries import channel_bookmarks
from db.models import fits_id
from state.access import ChannelAccess
from state.actions.bookmarks import add_bookmark, edit_bookmark, remove_bookmark
from state.actions.tokens import TokenIdentity
from state.events import BookmarkView

PREFIX = 'Bk'


def bookmark_sid(bookmark_id: int) -> str:
    return f'{PREFIX}{bookmark_id:08d}'


def bookmark_id_of(sid: str) -> int | None:
    digits = sid[len(PREFIX) :] if sid.startswith(PREFIX) else ''
    if not digits.isdigit() or len(digits) > 19 or not fits_id(int(digits)):
        return None
    return int(digits)


def bookmark_json(view: BookmarkView, channel_sid_: str, workspace_id: int) -> dict[str, Any]:
    return {
        'id': bookmark_sid(view.id),
        'channel_id': channel_sid_,
        'title': view.title,
        'link': view.link,
        'emoji': f':{view.emoji}:' if view.emoji else '',
        'icon_url': None,
        'type': 'link',
        'entity_id': None,
        'date_created': int(view.created_at.timestamp()),
        'date_updated': int(view.updated_at.timestamp()),
        'rank': str(view.id),
        'last_updated_by_user_id': user_sid(view.created_by) if view.created_by is not None else '',
        'last_updated_by_team_id': team_sid(workspace_id),
        'shortcut_id': None,
        'app_id': None,
    }


class AddArgs(Args):
    channel_id: str
    title: str = Field(max_length=1000)
    type: str = 'link'
    link: str = ''
    emoji: str = ''


@method('bookmarks.add', AddArgs)
def add(caller: Caller, args: AddArgs) -> Result:
    access = _member_channel(caller.me, args.channel_id)
    if args.type != 'link':
        raise SlackError('invalid_bookmark_type')
    view = add_bookmark(caller.me.user_id, access.channel.id or 0, args.title, args.link, args.emoji)
    return {'bookmark': bookmark_json(view, args.channel_id, caller.me.workspace_id)}


class EditArgs(Args):
    channel_id: str
    bookmark_id: str
    title: str | None = Field(default=None, max_length=1000)
    link: str | None = None
    emoji: str | None = None


@method('bookmarks.edit', EditArgs)
def edit(caller: Caller, args: EditArgs) -> Result:
    access = _member_channel(caller.me, args.channel_id)
    view = edit_bookmark(
        caller.me.user_id,
        access.channel.id or 0,
        _bookmark_id(args.bookmark_id),
        title=args.title,
        link=args.link,
        emoji=args.emoji,
    )
    return {'bookmark': bookmark_json(view, args.channel_id, caller.me.workspace_id)}


class RemoveArgs(Args):
    channel_id: str
    bookmark_id: str


@method('bookmarks.remove', RemoveArgs)
def remove(caller: Caller, args: RemoveArgs) -> Result:
    access = _member_channel(caller.me, args.channel_id)
    remove_bookmark(caller.me.user_id, access.channel.id or 0, _bookmark_id(args.bookmark_id))
    return {}


class ListArgs(Args):
    channel_id: str


@method('bookmarks.list', ListArgs)
def list_bookmarks(caller: Caller, args: ListArgs) -> Result:
    access = conversation(caller.me, args.channel_id)  # whoever may read the channel sees its bookmarks
    sid = channel_sid(access.channel.id or 0, access.channel.kind)
    views = channel_bookmarks(access.channel.id or 0)
    return {'bookmarks': [bookmark_json(view, sid, caller.me.workspace_id) for view in views]}


def _member_channel(me: TokenIdentity, channel: str) -> ChannelAccess:
    access = conversation(me, channel)
    if not access.is_member:
        raise SlackError('not_in_channel')
    return access


def _bookmark_id(sid: str) -> int:
    bookmark_id = bookmark_id_of(sid)
    if bookmark_id is None:
        raise SlackError('not_found')
    return bookmark_id
