"""conversations.*: list, info, history, replies, members, join, create, open."""

from __future__ import annotations

from pydantic import Field

from api.slack.cursors import cursor_position, page_metadata
from api.slack.errors import SlackError
from api.slack.ids import channel_sid, time_bound, user_id_of, user_sid
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import channel_view_json, conversation_json, messages_json
from db.api_queries import (
    Conversation,
    conversations_page,
    history_page,
    member_counts,
    members_page,
    replies_page,
)
from db.channel_queries import channel_member_ids
from db.models import DIRECT_KINDS, ChannelKind
from db.view_builders import message_view
from state.access import ChannelAccess
from state.actions.channels import create_channel, join_channel, open_direct

TYPES = {
    'public_channel': ChannelKind.PUBLIC,
    'private_channel': ChannelKind.PRIVATE,
    'mpim': ChannelKind.GROUP,
    'im': ChannelKind.DIRECT,
}


class ListArgs(Args):
    types: str = 'public_channel'
    exclude_archived: bool = False
    limit: int = Field(default=100, ge=0, le=1000)
    cursor: str | None = None


@method('conversations.list', ListArgs)
def list_conversations(caller: Caller, args: ListArgs) -> Result:
    me = caller.me
    names = [name.strip() for name in args.types.split(',') if name.strip()] or ['public_channel']
    if any(name not in TYPES for name in names):
        raise SlackError('invalid_types')
    page = conversations_page(
        me.user_id,
        me.workspace_id,
        {TYPES[name] for name in names},
        exclude_archived=args.exclude_archived,
        after_id=cursor_position(args.cursor) or 0,
        limit=args.limit or 100,
    )
    counts = member_counts([item.channel.id or 0 for item in page.items])
    channels = []
    for item in page.items:
        data = conversation_json(item, me.user_id)
        if item.channel.kind not in DIRECT_KINDS:  # Slack lists channels with their size
            data['num_members'] = counts.get(item.channel.id or 0, 0)
        channels.append(data)
    return {'channels': channels, 'response_metadata': page_metadata(page.next_position)}


class InfoArgs(Args):
    channel: str
    include_num_members: bool = False


@method('conversations.info', InfoArgs)
def info(caller: Caller, args: InfoArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    members = channel_member_ids(access.channel.id or 0)
    data = conversation_json(_as_conversation(access, members), me.user_id)
    if args.include_num_members:
        data['num_members'] = len(members)
    return {'channel': data}


class HistoryArgs(Args):
    channel: str
    latest: str | None = None
    oldest: str | None = None
    inclusive: bool = False
    limit: int = Field(default=100, ge=0, le=1000)
    cursor: str | None = None


@method('conversations.history', HistoryArgs)
def history(caller: Caller, args: HistoryArgs) -> Result:
    """The conversation's messages, newest first; thread replies only when also sent to the channel."""
    me = caller.me
    access = conversation(me, args.channel)
    # `latest`/`oldest` are times (microseconds here), exclusive unless `inclusive`; the cursor is an id.
    before_us = _bound(args.latest, 'invalid_ts_latest', shift=1 if args.inclusive else 0)
    after_us = _bound(args.oldest, 'invalid_ts_oldest', shift=-1 if args.inclusive else 0)
    page = history_page(
        access.channel.id or 0,
        before_id=cursor_position(args.cursor),
        after_us=max(after_us or 0, -1),
        before_us=before_us,
        limit=args.limit or 100,
    )
    return {
        'messages': messages_json(page.items, me.workspace_id),
        'has_more': page.next_position is not None,
        'pin_count': 0,
        'response_metadata': page_metadata(page.next_position),
    }


def _bound(ts: str | None, error: str, *, shift: int) -> int | None:
    if ts is None or ts == '':
        return None
    bound = time_bound(ts)
    if bound is None:
        raise SlackError(error)
    return bound + shift


class RepliesArgs(Args):
    channel: str
    ts: str
    latest: str | None = None
    oldest: str | None = None
    inclusive: bool = False
    limit: int = Field(default=1000, ge=0, le=1000)
    cursor: str | None = None


@method('conversations.replies', RepliesArgs)
def replies(caller: Caller, args: RepliesArgs) -> Result:
    """A thread: its parent first, then replies oldest first (the parent repeats on every page, as in Slack)."""
    me = caller.me
    access = conversation(me, args.channel)
    target = message_in(access, args.ts, missing='thread_not_found')
    root = message_view(target.thread_root_id) if target.thread_root_id is not None else target
    if root is None or root.channel_id != target.channel_id:
        raise SlackError('thread_not_found')
    page = replies_page(
        root.id,
        after_id=cursor_position(args.cursor) or 0,
        after_us=max(_bound(args.oldest, 'invalid_ts_oldest', shift=-1 if args.inclusive else 0) or 0, -1),
        before_us=_bound(args.latest, 'invalid_ts_latest', shift=1 if args.inclusive else 0),
        limit=max(1, args.limit or 1000),
    )
    return {
        'messages': messages_json((root, *page.items), me.workspace_id),
        'has_more': page.next_position is not None,
        'response_metadata': page_metadata(page.next_position),
    }


class MembersArgs(Args):
    channel: str
    limit: int = Field(default=100, ge=0, le=1000)
    cursor: str | None = None


@method('conversations.members', MembersArgs)
def members(caller: Caller, args: MembersArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    page = members_page(access.channel.id or 0, after_id=cursor_position(args.cursor) or 0, limit=args.limit or 100)
    return {'members': [user_sid(uid) for uid in page.items], 'response_metadata': page_metadata(page.next_position)}


class JoinArgs(Args):
    channel: str


@method('conversations.join', JoinArgs)
def join(caller: Caller, args: JoinArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    view = join_channel(me.user_id, access.channel.id or 0)
    result: Result = {'channel': channel_view_json(view, is_member=True)}
    if access.is_member:
        result['warning'] = 'already_in_channel'
    return result


class CreateArgs(Args):
    name: str
    is_private: bool = False


@method('conversations.create', CreateArgs)
def create(caller: Caller, args: CreateArgs) -> Result:
    me = caller.me
    view = create_channel(me.user_id, me.workspace_id, args.name, private=args.is_private)
    return {'channel': channel_view_json(view, is_member=True)}


class OpenArgs(Args):
    users: str  # comma-separated user ids
    return_im: bool = False


@method('conversations.open', OpenArgs)
def open_conversation(caller: Caller, args: OpenArgs) -> Result:
    me = caller.me
    ids = [user_id_of(part.strip()) for part in args.users.split(',') if part.strip()]
    if not ids:
        raise SlackError('users_list_not_supplied')
    if any(uid is None for uid in ids):
        raise SlackError('user_not_found')
    others = sorted({uid for uid in ids if uid is not None} - {me.user_id}) or [me.user_id]
    view = open_direct(me.user_id, me.workspace_id, others)
    return {'channel': {'id': channel_sid(view.id, view.kind)}}


def _as_conversation(access: ChannelAccess, member_ids: list[int]) -> Conversation:
    direct = access.channel.kind in DIRECT_KINDS
    return Conversation(access.channel, access.is_member, tuple(sorted(member_ids)) if direct else ())
