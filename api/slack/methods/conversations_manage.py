"""conversations.*: the changes to a conversation (leave, invite, kick, setTopic, setPurpose, rename, archive,
unarchive, mark, close).

Each calls the action the UI calls. Slack's specific refusals (leaving #general, archiving a DM, inviting someone
who is already in) are answered here by name first; the action then enforces the same rules again.
"""

from __future__ import annotations

from api.slack.errors import SlackError
from api.slack.ids import user_id_of
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import channel_view_json
from db import authz
from db.channel_queries import channel_member_ids, channel_view
from db.models import DIRECT_KINDS
from state.access import ChannelAccess
from state.actions.channels import (
    archive_channel,
    invite_to_channel,
    leave_channel,
    remove_from_channel,
    rename_channel,
    set_purpose,
    set_topic,
    unarchive_channel,
)
from state.actions.reads import mark_read
from state.actions.tokens import TokenIdentity

MAX_INVITEES = 100


class ChannelArgs(Args):
    channel: str


@method('conversations.leave', ChannelArgs)
def leave(caller: Caller, args: ChannelArgs) -> Result:
    access = _channels_only(caller.me, args.channel)
    if authz.is_general(access.channel.kind, access.channel.name):
        raise SlackError('cant_leave_general')
    if not access.is_member:
        return {'not_in_channel': True}
    leave_channel(caller.me.user_id, access.channel.id or 0)
    return {}


class InviteArgs(Args):
    channel: str
    users: str  # comma-separated user ids


@method('conversations.invite', InviteArgs)
def invite(caller: Caller, args: InviteArgs) -> Result:
    me = caller.me
    access = _channels_only(me, args.channel)
    if not access.is_member:
        raise SlackError('not_in_channel')
    if access.channel.archived:
        raise SlackError('is_archived')
    wanted = [part.strip() for part in args.users.split(',') if part.strip()]
    if not wanted:
        raise SlackError('no_user')
    if len(wanted) > MAX_INVITEES:
        raise SlackError('too_many_users')
    user_ids = [user_id_of(part) for part in wanted]
    if any(user_id is None for user_id in user_ids):
        raise SlackError('user_not_found')
    channel_id = access.channel.id or 0
    already = set(channel_member_ids(channel_id))
    if me.user_id in user_ids:
        raise SlackError('cant_invite_self')
    if all(user_id in already for user_id in user_ids):
        raise SlackError('already_in_channel')
    for user_id in user_ids:
        if user_id is not None and user_id not in already:
            invite_to_channel(me.user_id, channel_id, user_id)
    return {'channel': _fresh(channel_id)}


class TopicArgs(Args):
    channel: str
    topic: str = ''


@method('conversations.setTopic', TopicArgs)
def set_channel_topic(caller: Caller, args: TopicArgs) -> Result:
    access = conversation(caller.me, args.channel)
    if not access.is_member:
        raise SlackError('not_in_channel')
    view = set_topic(caller.me.user_id, access.channel.id or 0, args.topic)
    return {'channel': channel_view_json(view, is_member=True)}


@method('conversations.archive', ChannelArgs)
def archive(caller: Caller, args: ChannelArgs) -> Result:
    access = _channels_only(caller.me, args.channel)
    if authz.is_general(access.channel.kind, access.channel.name):
        raise SlackError('cant_archive_general')
    if access.channel.archived:
        raise SlackError('already_archived')
    archive_channel(caller.me.user_id, access.channel.id or 0)  # owners and admins: else restricted_action
    return {}


@method('conversations.unarchive', ChannelArgs)
def unarchive(caller: Caller, args: ChannelArgs) -> Result:
    access = _channels_only(caller.me, args.channel)
    if not access.channel.archived:
        raise SlackError('not_archived')
    unarchive_channel(caller.me.user_id, access.channel.id or 0)
    return {}


class MarkArgs(Args):
    channel: str
    ts: str


@method('conversations.mark', MarkArgs)
def mark(caller: Caller, args: MarkArgs) -> Result:
    access = conversation(caller.me, args.channel)
    if not access.is_member:
        raise SlackError('not_in_channel')
    target = message_in(access, args.ts, missing='invalid_timestamp')
    mark_read(caller.me.user_id, access.channel.id or 0, target.id)
    return {}


class KickArgs(Args):
    channel: str
    user: str


@method('conversations.kick', KickArgs)
def kick(caller: Caller, args: KickArgs) -> Result:
    access = _channels_only(caller.me, args.channel)
    user_id = user_id_of(args.user)
    if user_id is None:
        raise SlackError('user_not_found')
    remove_from_channel(caller.me.user_id, access.channel.id or 0, user_id)  # owners and admins only
    return {}


class PurposeArgs(Args):
    channel: str
    purpose: str = ''


@method('conversations.setPurpose', PurposeArgs)
def set_channel_purpose(caller: Caller, args: PurposeArgs) -> Result:
    access = conversation(caller.me, args.channel)
    if not access.is_member:
        raise SlackError('not_in_channel')
    view = set_purpose(caller.me.user_id, access.channel.id or 0, args.purpose)
    return {'channel': channel_view_json(view, is_member=True), 'purpose': view.purpose}


class RenameArgs(Args):
    channel: str
    name: str


@method('conversations.rename', RenameArgs)
def rename(caller: Caller, args: RenameArgs) -> Result:
    access = _channels_only(caller.me, args.channel)
    view = rename_channel(caller.me.user_id, access.channel.id or 0, args.name)
    return {'channel': channel_view_json(view, is_member=access.is_member)}


@method('conversations.close', ChannelArgs)
def close(caller: Caller, args: ChannelArgs) -> Result:
    """Our sidebar has no closed DMs (a conversation stays listed), so closing one is always the no-op that
    Slack answers for a DM already closed."""
    access = conversation(caller.me, args.channel)
    if access.channel.kind not in DIRECT_KINDS:
        raise SlackError('method_not_supported_for_channel_type')
    return {'no_op': True, 'already_closed': True}


def _channels_only(me: TokenIdentity, channel: str) -> ChannelAccess:
    access = conversation(me, channel)
    if access.channel.kind in DIRECT_KINDS:
        raise SlackError('method_not_supported_for_channel_type')
    return access


def _fresh(channel_id: int) -> dict[str, object]:
    view = channel_view(channel_id)
    if view is None:
        raise SlackError('channel_not_found')
    return channel_view_json(view, is_member=True)
