"""team.info, bots.info, users.getPresence / setPresence, search.messages, emoji.list and dnd.info."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.slack.errors import SlackError
from api.slack.ids import bot_sid, channel_sid, team_sid, ts_us_of, user_id_of, user_sid
from api.slack.permalinks import slack_permalink
from api.slack.registry import Args, Caller, NoArgs, Result, method
from api.slack.shapes import is_bot, message_json
from db.api_queries import workspace_person
from db.models import utcnow
from db.view_builders import message_view
from state.actions.profile import set_manual_presence
from state.actions.search import search
from state.stores import presence

# Slack knows "active" and "away"; busy (do not disturb) is still active there.
SLACK_PRESENCE = {presence.ONLINE: 'active', presence.BUSY: 'active', presence.AWAY: 'away', presence.OFFLINE: 'away'}


@method('team.info', NoArgs)
def team_info(caller: Caller, args: NoArgs) -> Result:
    me = caller.me
    return {
        'team': {
            'id': team_sid(me.workspace_id),
            'name': me.workspace_name,
            'domain': me.workspace_slug,
            'url': f'{caller.base_url.rstrip("/")}/w/{me.workspace_slug}/',
            'icon': {'image_default': True},
        }
    }


class BotArgs(Args):
    bot: str = ''


@method('bots.info', BotArgs)
def bots_info(caller: Caller, args: BotArgs) -> Result:
    me = caller.me
    user_id = _decode_bot(args.bot) if args.bot else (me.user_id if me.is_bot else None)
    found = workspace_person(me.workspace_id, user_id) if user_id is not None else None
    if found is None or not is_bot(found[0]):
        raise SlackError('bot_not_found')
    user = found[0]
    return {
        'bot': {
            'id': bot_sid(user_id or 0),
            'name': user.display_name,
            'deleted': not user.is_active,
            'user_id': user_sid(user_id or 0),
            'app_id': '',
            'updated': 0,
            'icons': {},
        }
    }


class PresenceArgs(Args):
    user: str = ''


@method('users.getPresence', PresenceArgs)
def get_presence(caller: Caller, args: PresenceArgs) -> Result:
    me = caller.me
    user_id = user_id_of(args.user) if args.user else me.user_id
    if user_id is None or workspace_person(me.workspace_id, user_id, viewer_id=me.user_id) is None:
        raise SlackError('user_not_found')
    status = presence.status_of(user_id)
    result: Result = {'presence': SLACK_PRESENCE.get(status, 'away')}
    if user_id == me.user_id:  # only about oneself does Slack say more
        result |= {'online': status != presence.OFFLINE, 'manual_away': status == presence.AWAY}
    return result


class SetPresenceArgs(Args):
    presence: str


@method('users.setPresence', SetPresenceArgs)
def set_presence(caller: Caller, args: SetPresenceArgs) -> Result:
    if args.presence not in ('auto', 'away'):
        raise SlackError('invalid_presence')
    set_manual_presence(caller.me.user_id, 'away' if args.presence == 'away' else None)
    return {}


class SearchArgs(Args):
    query: str
    count: int = Field(default=20, ge=1, le=100)


@method('search.messages', SearchArgs)
def search_messages(caller: Caller, args: SearchArgs) -> Result:
    """The newest matches the token's user may read (one page; `count` caps it, Slack's paging is not kept)."""
    me = caller.me
    page = search(me.user_id, me.workspace_id, args.query)
    matches = []
    for hit in page.hits[: args.count]:
        view = message_view(hit.message_id)
        if view is None:
            continue
        sid = channel_sid(hit.channel_id, hit.channel_kind)
        shown = message_json(view, me.workspace_id)
        matches.append(
            {
                'type': 'message',
                'ts': shown['ts'],
                'text': shown['text'],
                'user': user_sid(hit.author_id),
                'username': hit.author_name,
                'channel': {'id': sid, 'name': hit.channel_label},
                'permalink': slack_permalink(caller.base_url, sid, view.ts_us, _thread_ts_us(shown)),
            }
        )
    total = len(matches)
    return {
        'query': args.query,
        'messages': {
            'total': total,
            'matches': matches,
            'pagination': {'total_count': total, 'page': 1, 'per_page': args.count, 'page_count': 1, 'first': 1},
        },
    }


def _thread_ts_us(shown: dict[str, Any]) -> int | None:
    """A reply's root `ts` in microseconds, for its permalink's `thread_ts`."""
    root = shown.get('thread_ts') if 'parent_user_id' in shown else None
    return ts_us_of(root) if isinstance(root, str) else None


def _decode_bot(sid: str) -> int | None:
    return user_id_of('U' + sid[1:]) if sid.startswith('B') else None


class EmojiArgs(Args):
    include_categories: bool = False


@method('emoji.list', EmojiArgs)
def emoji_list(caller: Caller, args: EmojiArgs) -> Result:
    """Slack lists a workspace's custom emoji here, never the standard set; we have no custom emoji, so the
    map is empty (a client that wants the standard names knows them already)."""
    caller.me  # noqa: B018 - the token was checked; what it may see does not depend on it
    return {'emoji': {}, 'cache_ts': '0.000000'}


class DndArgs(Args):
    user: str | None = None


@method('dnd.info', DndArgs)
def dnd_info(caller: Caller, args: DndArgs) -> Result:
    """Our manual "busy" is Slack's snooze: on until its expiry (or until turned off, when it has none).

    We have no do-not-disturb schedule, so `dnd_enabled` is false and the next window is 0. Someone else's
    snooze shows only whether it is on, as Slack shows it.
    """
    me = caller.me
    user_id = user_id_of(args.user) if args.user else me.user_id
    found = workspace_person(me.workspace_id, user_id, viewer_id=me.user_id) if user_id is not None else None
    if found is None:
        raise SlackError('user_not_found')
    user = found[0]
    expires = user.manual_status_expires_at
    snoozed = user.manual_status == 'busy' and (expires is None or expires > utcnow())
    data: Result = {'dnd_enabled': False, 'next_dnd_start_ts': 0, 'next_dnd_end_ts': 0, 'snooze_enabled': snoozed}
    if user_id == me.user_id and snoozed:
        end = int(expires.timestamp()) if expires is not None else 0
        data['snooze_endtime'] = end
        data['snooze_remaining'] = max(0, end - int(utcnow().timestamp())) if end else 0
    return data
