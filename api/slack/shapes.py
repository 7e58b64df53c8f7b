"""Our views as the JSON objects Slack's Web API returns (message, conversation, user)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from api.avatars import avatar_url
from api.slack.file_ids import file_sid
from api.slack.ids import bot_sid, channel_sid, team_sid, ts_of, user_sid
from api.slack.slack_text import referenced_channel_ids, slack_text
from db.api_message_facts import MessageFacts, message_facts
from db.api_queries import Conversation
from db.authz import is_admin_role, is_general
from db.models import BOT_EMAIL_DOMAIN, ChannelKind, User, WorkspaceMember, WorkspaceRole
from state.events import ChannelView, MessageView
from state.time_zones import offset_seconds, zone_label

DELETED_TEXT = 'This message was deleted.'
IMAGE_SIZES = (24, 32, 48, 72, 192, 512)  # Slack's profile.image_* sizes


def messages_json(views: Sequence[MessageView], workspace_id: int) -> list[dict[str, Any]]:
    """Messages as Slack's objects, with what they need beyond the views fetched once for all of them."""
    facts = message_facts(views, _referenced(views))
    return [message_json(view, workspace_id, facts) for view in views]


def message_json(
    view: MessageView, workspace_id: int, facts: MessageFacts | Collection[int] | None = None
) -> dict[str, Any]:
    """A message: `text` is the author's source in Slack's markup (api/slack/slack_text.py), never our HTML.

    A bot's post carries `bot_id` and `bot_profile`, as Slack's do (bots that skip their own posts look there).
    `facts` (db/api_message_facts.py) are looked up for this one message when not given; a collection of bot
    user ids is taken as the bots among the authors.
    """
    if not isinstance(facts, MessageFacts):
        found = message_facts([view], _referenced([view]))
        facts = found if facts is None else replace(found, bot_ids=frozenset(facts))
    kinds = facts.channel_kinds
    text = slack_text(view.body, view.html, lambda cid: channel_sid(cid, kinds[cid]) if cid in kinds else None)
    data: dict[str, Any] = {
        'type': 'message',
        'user': user_sid(view.author_id),
        'text': DELETED_TEXT if view.deleted else text,
        'ts': ts_of(view.ts_us),
        'team': team_sid(workspace_id),
    }
    if view.author_id in facts.bot_ids:
        data['bot_id'] = bot_sid(view.author_id)
        data['bot_profile'] = {
            'id': bot_sid(view.author_id),
            'name': view.author_name,
            'deleted': False,
            'team_id': team_sid(workspace_id),
        }
    if view.deleted:
        data['subtype'] = 'tombstone'  # a deleted thread root kept for its replies, as Slack shows it
    if view.thread_root_id is not None:
        root = facts.roots.get(view.thread_root_id)
        if root is not None:
            data['thread_ts'] = ts_of(root[0])
            data['parent_user_id'] = user_sid(root[1])
        if view.also_in_channel:
            data['subtype'] = 'thread_broadcast'
    elif view.reply_count > 0:
        data['thread_ts'] = data['ts']
        data['reply_count'] = view.reply_count
        data['reply_users'] = [user_sid(uid) for uid in view.reply_user_ids]
        data['reply_users_count'] = len(view.reply_user_ids)
        if view.id in facts.latest_reply_us:
            data['latest_reply'] = ts_of(facts.latest_reply_us[view.id])
    if view.client_msg_id:
        data['client_msg_id'] = view.client_msg_id
    if view.edited_at is not None and not view.deleted:
        # Slack's edited.ts is the time of the edit.
        data['edited'] = {'user': user_sid(view.author_id), 'ts': f'{view.edited_at.timestamp():.6f}'}
    if view.reactions:
        data['reactions'] = [
            {'name': r.emoji, 'count': r.count, 'users': [user_sid(uid) for uid in r.user_ids]} for r in view.reactions
        ]
    if view.attachments:
        data['files'] = [
            {'id': file_sid(a.id), 'name': a.name, 'mimetype': a.mime, 'size': a.size} for a in view.attachments
        ]
    return data


def _referenced(views: Sequence[MessageView]) -> set[int]:
    return {cid for view in views if not view.deleted for cid in referenced_channel_ids(view.html)}


def conversation_json(conversation: Conversation, viewer_id: int) -> dict[str, Any]:
    channel = conversation.channel
    if channel.id is None:
        raise AssertionError('channel has no id')
    kind = ChannelKind(channel.kind)
    data: dict[str, Any] = {
        'id': channel_sid(channel.id, kind),
        'created': int(channel.created_at.timestamp()),
        'is_archived': channel.archived,
        'is_im': kind == ChannelKind.DIRECT,
        'is_mpim': kind == ChannelKind.GROUP,
        'is_private': kind != ChannelKind.PUBLIC,
        'is_member': conversation.is_member,
        'context_team_id': team_sid(channel.workspace_id),
    }
    if kind == ChannelKind.DIRECT:
        others = [uid for uid in conversation.member_ids if uid != viewer_id] or [viewer_id]
        data['user'] = user_sid(others[0])
        return data
    data.update(
        {
            'name': channel.name or _group_name(conversation.member_ids),
            'name_normalized': channel.name or _group_name(conversation.member_ids),
            'is_channel': kind == ChannelKind.PUBLIC,
            'is_group': kind in (ChannelKind.PRIVATE, ChannelKind.GROUP),
            'is_general': is_general(kind, channel.name),
            'creator': user_sid(channel.created_by) if channel.created_by is not None else '',
            'topic': {'value': channel.topic, 'creator': '', 'last_set': 0},
            'purpose': {'value': channel.purpose, 'creator': '', 'last_set': 0},
        }
    )
    return data


def channel_view_json(view: ChannelView, is_member: bool) -> dict[str, Any]:
    """The short form for answers built from an action's ChannelView (conversations.join)."""
    return {
        'id': channel_sid(view.id, view.kind),
        'name': view.name or '',
        'is_channel': view.kind == ChannelKind.PUBLIC,
        'is_private': view.kind != ChannelKind.PUBLIC,
        'is_archived': view.archived,
        'is_member': is_member,
        'topic': {'value': view.topic, 'creator': '', 'last_set': 0},
        'purpose': {'value': view.purpose, 'creator': '', 'last_set': 0},
    }


def is_bot(user: User) -> bool:
    return user.email.endswith('@' + BOT_EMAIL_DOMAIN)


def user_json(user: User, member: WorkspaceMember, base_url: str = '') -> dict[str, Any]:
    """A person or bot. E-mail addresses are left out (Slack needs an extra scope for them).

    `profile.image_*` is the uploaded picture at every Slack size, or the generated identicon (api/avatars.py).
    """
    if user.id is None:
        raise AssertionError('user has no id')
    bot = is_bot(user)
    profile = profile_json(user, member, base_url)
    return {
        'id': user_sid(user.id),
        'team_id': team_sid(member.workspace_id),
        'name': _handle(user),
        'real_name': user.display_name,
        'deleted': not user.is_active,
        'is_bot': bot,
        'is_app_user': False,
        'is_admin': is_admin_role(member.role),
        'is_owner': member.role == WorkspaceRole.OWNER,
        'is_primary_owner': False,
        'is_restricted': False,
        'is_ultra_restricted': False,
        'tz': user.time_zone or 'UTC',
        'tz_label': zone_label(user.time_zone),
        'tz_offset': offset_seconds(user.time_zone),
        'updated': int(user.created_at.timestamp()),
        'profile': profile,
    }


def profile_json(user: User, member: WorkspaceMember, base_url: str) -> dict[str, Any]:
    """A person's `profile` object (users.info, users.profile.get); no e-mail address."""
    if user.id is None:
        raise AssertionError('user has no id')
    expires = user.status_expires_at
    profile: dict[str, Any] = {
        'real_name': user.full_name or user.display_name,
        'display_name': user.display_name,
        'real_name_normalized': user.full_name or user.display_name,
        'display_name_normalized': user.display_name,
        'title': user.title,
        'pronouns': user.pronouns,
        'status_text': user.status_text,
        'status_emoji': f':{user.status_emoji}:' if user.status_emoji else '',
        'status_expiration': int(expires.timestamp()) if expires is not None else 0,
        'team': team_sid(member.workspace_id),
        **{
            f'image_{size}': avatar_url(base_url, user_sid(user.id), user.id, user.avatar_version, size)
            for size in IMAGE_SIZES
        },
        'is_custom_image': bool(user.avatar_version),
    }
    if is_bot(user):
        profile['bot_id'] = bot_sid(user.id)
    return profile


def _handle(user: User) -> str:
    """Slack's `name` is a lower-case handle; ours is the display name without spaces (no e-mail leaks)."""
    return ''.join(user.display_name.lower().split()) or 'user'


def _group_name(member_ids: tuple[int, ...]) -> str:
    return 'mpdm-' + '--'.join(user_sid(uid).lower() for uid in member_ids) + '-1'
