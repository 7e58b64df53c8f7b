"""users.*: the members of the token's workspace (list, info, lookupByEmail), the token user's own
profile (profile.get, profile.set) and conversations (users.conversations)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from api.slack.cursors import cursor_position, page_metadata
from api.slack.errors import SlackError
from api.slack.ids import user_id_of
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import conversation_json, profile_json, user_json
from db.api_queries import conversations_page, people_page, person_by_email, workspace_person
from db.authz import is_admin_role
from db.models import ChannelKind
from state.actions.profile import set_display_name, set_status

CONVERSATION_TYPES = {
    'public_channel': ChannelKind.PUBLIC,
    'private_channel': ChannelKind.PRIVATE,
    'mpim': ChannelKind.GROUP,
    'im': ChannelKind.DIRECT,
}


class ListArgs(Args):
    limit: int = Field(default=200, ge=0, le=1000)  # 0 means the default, as in Slack
    cursor: str | None = None


@method('users.list', ListArgs)
def list_users(caller: Caller, args: ListArgs) -> Result:
    me = caller.me
    page = people_page(me.workspace_id, me.user_id, after_id=cursor_position(args.cursor) or 0, limit=args.limit or 200)
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
    found = workspace_person(me.workspace_id, user_id, viewer_id=me.user_id) if user_id is not None else None
    if found is None:
        raise SlackError('user_not_found')
    return {'user': user_json(*found, caller.base_url)}


class EmailArgs(Args):
    email: str = Field(max_length=254)


@method('users.lookupByEmail', EmailArgs)
def lookup_by_email(caller: Caller, args: EmailArgs) -> Result:
    """E-mail addresses are not public here (users.list leaves them out): only bot tokens and tokens of
    workspace owners and admins may look people up by one; any other token lacks the scope, as in Slack."""
    me = caller.me
    mine = workspace_person(me.workspace_id, me.user_id)
    if not me.is_bot and (mine is None or not is_admin_role(mine[1].role)):
        raise SlackError('missing_scope')
    found = person_by_email(me.workspace_id, args.email)
    if found is None:
        raise SlackError('users_not_found')
    return {'user': user_json(*found, caller.base_url)}


class ProfileGetArgs(Args):
    user: str | None = None
    include_labels: bool = False


@method('users.profile.get', ProfileGetArgs)
def profile_get(caller: Caller, args: ProfileGetArgs) -> Result:
    me = caller.me
    user_id = user_id_of(args.user) if args.user else me.user_id
    found = workspace_person(me.workspace_id, user_id, viewer_id=me.user_id) if user_id is not None else None
    if found is None:
        raise SlackError('user_not_found')
    return {'profile': profile_json(*found, caller.base_url)}


class ProfileSetArgs(Args):
    user: str | None = None
    profile: dict[str, Any] | None = None
    name: str | None = None
    value: str | None = None

    @field_validator('profile', mode='before')
    @classmethod
    def _json_object(cls, value: object) -> object:
        """Form clients send `profile` as a JSON string, JSON clients as an object."""
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else None
            except ValueError as error:
                raise ValueError('profile must be a JSON object') from error
        return value


@method('users.profile.set', ProfileSetArgs)
def profile_set(caller: Caller, args: ProfileSetArgs) -> Result:
    """The token's own profile only (Slack lets admins of paid plans edit others; we do not)."""
    me = caller.me
    if args.user and user_id_of(args.user) != me.user_id:
        raise SlackError('cannot_update_admin_user')
    changes = dict(args.profile or {})
    if args.name:
        changes[args.name] = args.value or ''
    known = {key: value for key, value in changes.items() if key in PROFILE_FIELDS}
    if not known:
        raise SlackError('invalid_profile')
    name = known.get('display_name') or known.get('real_name')
    if isinstance(name, str) and name.strip():
        set_display_name(me.user_id, name)
    if {'status_text', 'status_emoji', 'status_expiration'} & known.keys():
        _set_status(me.user_id, me.workspace_id, known)
    found = workspace_person(me.workspace_id, me.user_id)
    if found is None:
        raise SlackError('user_not_found')
    return {'profile': profile_json(*found, caller.base_url)}


PROFILE_FIELDS = frozenset({'display_name', 'real_name', 'status_text', 'status_emoji', 'status_expiration'})


def _set_status(user_id: int, workspace_id: int, known: dict[str, Any]) -> None:
    found = workspace_person(workspace_id, user_id)
    if found is None:
        raise SlackError('user_not_found')
    user = found[0]
    text = str(known.get('status_text', user.status_text) or '')
    emoji = str(known.get('status_emoji', user.status_emoji) or '').strip(':')
    expiration = known.get('status_expiration', 0)
    try:
        seconds = int(expiration or 0)
    except (TypeError, ValueError) as error:
        raise SlackError('invalid_arguments', 'status_expiration must be a Unix time.') from error
    if not 0 <= seconds < 10**11:
        raise SlackError('invalid_arguments', 'status_expiration must be a Unix time.')
    expires = datetime.fromtimestamp(seconds, UTC) if seconds else None  # 0: the status does not expire
    set_status(user_id, text, emoji, expires)


class ConversationsArgs(Args):
    user: str | None = None
    types: str = 'public_channel'
    exclude_archived: bool = False
    limit: int = Field(default=100, ge=0, le=1000)
    cursor: str | None = None


@method('users.conversations', ConversationsArgs)
def user_conversations(caller: Caller, args: ConversationsArgs) -> Result:
    """The conversations the token's user is in (asking about someone else is refused: their private
    memberships are not ours to show)."""
    me = caller.me
    if args.user and user_id_of(args.user) != me.user_id:
        raise SlackError('user_not_found' if user_id_of(args.user) is None else 'restricted_action')
    names = [name.strip() for name in args.types.split(',') if name.strip()] or ['public_channel']
    if any(name not in CONVERSATION_TYPES for name in names):
        raise SlackError('invalid_types')
    page = conversations_page(
        me.user_id,
        me.workspace_id,
        {CONVERSATION_TYPES[name] for name in names},
        exclude_archived=args.exclude_archived,
        after_id=cursor_position(args.cursor) or 0,
        limit=args.limit or 100,
        members_only=True,
    )
    return {
        'channels': [conversation_json(item, me.user_id) for item in page.items],
        'response_metadata': page_metadata(page.next_position),
    }
