"""Slack export JSON -> small typed records; anything of the wrong shape is left out with a reason.

The format (Slack's "standard export"): `users.json`, `channels.json` (public), `groups.json` (private),
`dms.json`, `mpims.json` (group DMs), and per conversation a folder of day files `YYYY-MM-DD.json`, each a
list of messages. Channels' folders are named after the channel, group DMs' after their `mpdm-…` name,
DMs' after their `D…` id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from db.models import ChannelKind

SLACK_ID_RE = re.compile(r'[A-Z0-9][A-Za-z0-9_-]{0,40}')
_TS_RE = re.compile(r'\d{1,12}(\.\d{1,6})?')
DAY_FILE_RE = re.compile(r'(\d{4}-\d{2}-\d{2})\.json')
CONVERSATION_FILES = {
    'channels.json': ChannelKind.PUBLIC,
    'groups.json': ChannelKind.PRIVATE,
    'dms.json': ChannelKind.DIRECT,
    'mpims.json': ChannelKind.GROUP,
}


@dataclass(frozen=True)
class SlackUser:
    sid: str
    name: str
    email: str | None
    is_bot: bool
    deleted: bool
    bot_id: str | None = None  # a bot user's `B…` id, which its posts name instead of the user


@dataclass(frozen=True)
class SlackConversation:
    sid: str
    kind: ChannelKind
    name: str  # its folder for DMs is `sid`
    created: int  # unix seconds
    creator: str | None
    archived: bool
    is_general: bool
    members: tuple[str, ...]
    topic: str
    purpose: str

    @property
    def folder(self) -> str:
        return self.sid if self.kind == ChannelKind.DIRECT else self.name


@dataclass(frozen=True)
class SlackReaction:
    name: str
    users: tuple[str, ...]


@dataclass(frozen=True)
class SlackFile:
    name: str
    url: str  # '' when it has none usable


@dataclass(frozen=True)
class SlackMessage:
    ts: str
    ts_us: int
    user: str | None  # None for a bot post without a user
    bot_key: str | None  # bot posts: the bot's id or name, to give it one bot user
    bot_name: str
    subtype: str
    text: str
    thread_ts: str | None
    edited_ts_us: int | None
    reactions: tuple[SlackReaction, ...] = ()
    files: tuple[SlackFile, ...] = ()
    attachments: Any = None
    blocks: Any = None


def ts_to_us(value: Any) -> int | None:
    """Slack's `ts` ("1704196800.000100") as microseconds, or None when it is not one."""
    if not isinstance(value, str) or not _TS_RE.fullmatch(value):
        return None
    try:
        return int(Decimal(value) * 1_000_000)
    except InvalidOperation:
        return None


def _str(value: Any, limit: int = 2000) -> str:
    return value[:limit] if isinstance(value, str) else ''


def _sid(value: Any) -> str | None:
    return value if isinstance(value, str) and SLACK_ID_RE.fullmatch(value) else None


def parse_user(raw: Any) -> SlackUser | str:
    """The user, or why it is left out."""
    if not isinstance(raw, dict):
        return 'a users.json entry is not an object'
    sid = _sid(raw.get('id'))
    if sid is None:
        return 'a users.json entry has no usable id'
    found = raw.get('profile')
    profile: dict[str, Any] = found if isinstance(found, dict) else {}
    name = (
        _str(profile.get('display_name'), 200).strip()
        or _str(profile.get('real_name'), 200).strip()
        or _str(raw.get('real_name'), 200).strip()
        or _str(raw.get('name'), 200).strip()
        or sid
    )
    email = _str(profile.get('email'), 254).strip() or None
    return SlackUser(
        sid=sid,
        name=name,
        email=email,
        is_bot=bool(raw.get('is_bot')) or sid == 'USLACKBOT',
        deleted=bool(raw.get('deleted')),
        bot_id=_sid(profile.get('bot_id')),
    )


def parse_conversation(raw: Any, kind: ChannelKind) -> SlackConversation | str:
    if not isinstance(raw, dict):
        return 'a conversation entry is not an object'
    sid = _sid(raw.get('id'))
    if sid is None:
        return 'a conversation entry has no usable id'
    members_raw = raw.get('members')
    members = tuple(m for m in (members_raw if isinstance(members_raw, list) else []) if _sid(m))
    name = _str(raw.get('name'), 200)
    if kind != ChannelKind.DIRECT and not name:
        return f'conversation {sid} has no name'
    created = raw.get('created')
    return SlackConversation(
        sid=sid,
        kind=kind,
        name=name or sid,
        created=created if isinstance(created, int) and 0 <= created < 2**40 else 0,
        creator=_sid(raw.get('creator')),
        archived=bool(raw.get('is_archived')),
        is_general=bool(raw.get('is_general')),
        members=members[:10_000],
        topic=_value(raw.get('topic')),
        purpose=_value(raw.get('purpose')),
    )


def _value(raw: Any) -> str:
    return _str(raw.get('value')) if isinstance(raw, dict) else ''


def parse_message(raw: Any) -> SlackMessage | str:
    if not isinstance(raw, dict) or raw.get('type', 'message') != 'message':
        return 'an entry that is not a message'
    ts = raw.get('ts')
    ts_us = ts_to_us(ts)
    if ts_us is None or not isinstance(ts, str):
        return 'a message without a valid ts'
    user = _sid(raw.get('user'))
    subtype = _str(raw.get('subtype'), 64)
    bot_key = _sid(raw.get('bot_id')) or (_str(raw.get('username'), 80) or None)
    if user is None and bot_key is None:
        return f'message {ts} names no author'
    thread_ts = raw.get('thread_ts')
    edited = raw.get('edited')
    return SlackMessage(
        ts=ts,
        ts_us=ts_us,
        user=user,
        bot_key=bot_key if (subtype == 'bot_message' or user is None) else None,
        bot_name=_str(raw.get('username'), 80) or _str(_bot_profile_name(raw), 80),
        subtype=subtype,
        text=_str(raw.get('text'), 100_000),
        thread_ts=thread_ts if isinstance(thread_ts, str) and thread_ts != ts and ts_to_us(thread_ts) else None,
        edited_ts_us=ts_to_us(edited.get('ts')) if isinstance(edited, dict) else None,
        reactions=_reactions(raw.get('reactions')),
        files=_files(raw.get('files')),
        attachments=raw.get('attachments'),
        blocks=raw.get('blocks'),
    )


def _bot_profile_name(raw: dict[str, Any]) -> str:
    profile = raw.get('bot_profile')
    return _str(profile.get('name')) if isinstance(profile, dict) else ''


def _reactions(raw: Any) -> tuple[SlackReaction, ...]:
    if not isinstance(raw, list):
        return ()
    found = []
    for item in raw[:100]:
        if not isinstance(item, dict) or not isinstance(item.get('name'), str):
            continue
        users = item.get('users')
        found.append(
            SlackReaction(
                name=item['name'][:64], users=tuple(u for u in (users if isinstance(users, list) else []) if _sid(u))
            )
        )
    return tuple(found)


def _files(raw: Any) -> tuple[SlackFile, ...]:
    if not isinstance(raw, list):
        return ()
    found = []
    for item in raw[:20]:
        if not isinstance(item, dict):
            continue
        name = _str(item.get('name'), 255) or _str(item.get('title'), 255) or 'file'
        url = next(
            (
                value
                for key in ('permalink', 'url_private', 'permalink_public')
                if isinstance(value := item.get(key), str) and value.startswith(('https://', 'http://'))
            ),
            '',
        )
        found.append(SlackFile(name=name, url=url[:2000]))
    return tuple(found)
