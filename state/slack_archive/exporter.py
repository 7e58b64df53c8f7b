"""Export one workspace in Slack's export format, so tools that read Slack exports (and our import) read it.

Slack's files: `users.json`, `channels.json`, `groups.json`, `dms.json`, `mpims.json` and a folder of day files
per conversation (`general/2024-01-02.json`). Ids are written as our Web API writes them (`U…`, `C…`, `G…`,
`D…`: `export_ids.py`), message `ts` are our stored `ts_us`. Our own extras, which Slack's format has no place
for, go under `teamchat/`: read positions and bookmarks. Deleted messages are left out.

The zip is written to a temporary name beside `out` and renamed when complete, so a failed export leaves
no half-written file. History is read in keyset pages per conversation, so memory stays flat.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from db.authz import GENERAL_CHANNEL_NAME
from db.engine import read_session
from db.models import (
    BOT_EMAIL_DOMAIN,
    Attachment,
    Bookmark,
    Channel,
    ChannelKind,
    ChannelMember,
    Mention,
    Message,
    Reaction,
    User,
    WorkspaceMember,
)
from state.slack_archive.export_ids import channel_sid, user_sid
from state.slack_archive.report import Progress, no_progress
from state.slack_archive.slack_text import to_slack

PAGE = 1000
_LISTS = {
    ChannelKind.PUBLIC: 'channels.json',
    ChannelKind.PRIVATE: 'groups.json',
    ChannelKind.DIRECT: 'dms.json',
    ChannelKind.GROUP: 'mpims.json',
}


@dataclass
class ExportReport:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def lines(self) -> list[str]:
        return [f'exported {count} {what}' for what, count in sorted(self.counts.items())]


def export_workspace(workspace_id: int, out: Path, *, progress: Progress = no_progress) -> ExportReport:
    report = ExportReport()
    partial = out.with_name(f'.{out.name}.partial')
    try:
        with read_session() as session, zipfile.ZipFile(partial, 'w', zipfile.ZIP_DEFLATED) as archive:
            _write(session, workspace_id, archive, report, progress)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return report


def _write(
    session: Session, workspace_id: int, archive: zipfile.ZipFile, report: ExportReport, progress: Progress
) -> None:
    people = _people(session, workspace_id)
    _put(archive, 'users.json', [_user_json(user) for user in people.values()])
    report.counts['users'] = len(people)
    channels = list(
        session.exec(select(Channel).where(Channel.workspace_id == workspace_id).order_by(col(Channel.id))).all()
    )
    members = _members(session, [_id(c.id) for c in channels])
    channel_sids = {c.name: channel_sid(_id(c.id), c.kind) for c in channels if c.name}
    folders: dict[int, str] = {}
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in _LISTS.values()}
    for channel in channels:
        entry, folder = _channel_json(channel, members.get(_id(channel.id), []), people)
        lists[_LISTS[ChannelKind(channel.kind)]].append(entry)
        folders[_id(channel.id)] = folder
    for name, entries in lists.items():
        _put(archive, name, entries)
    for done, channel in enumerate(channels):
        progress(done, len(channels), channel.name or 'a direct message')
        count = _history(session, archive, channel, folders[_id(channel.id)], people, channel_sids)
        report.counts['messages'] += count
        report.counts['conversations'] += 1
    _extras(session, archive, channels, report)
    progress(len(channels), len(channels), 'done')


def _people(session: Session, workspace_id: int) -> dict[int, User]:
    rows = session.exec(
        select(User)
        .join(WorkspaceMember, col(WorkspaceMember.user_id) == User.id)
        .where(WorkspaceMember.workspace_id == workspace_id)
        .order_by(col(User.id))
    ).all()
    return {_id(row.id): row for row in rows}


def _is_bot(user: User) -> bool:
    return user.email.endswith('@' + BOT_EMAIL_DOMAIN)


def _user_json(user: User) -> dict[str, Any]:
    profile: dict[str, Any] = {'real_name': user.display_name, 'display_name': user.display_name}
    if not user.email.endswith('.invalid'):  # bots and placeholder addresses are not addresses
        profile['email'] = user.email
    if _is_bot(user):
        profile['bot_id'] = _bot_sid(_id(user.id))  # what its posts name
    return {
        'id': user_sid(_id(user.id)),
        'name': user.display_name,
        'real_name': user.display_name,
        'deleted': not user.is_active,
        'is_bot': _is_bot(user),
        'profile': profile,
    }


def _members(session: Session, channel_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    if not channel_ids:
        return found
    rows = session.exec(
        select(ChannelMember.channel_id, ChannelMember.user_id)
        .where(col(ChannelMember.channel_id).in_(channel_ids))
        .order_by(col(ChannelMember.user_id))
    ).all()
    for channel_id, user_id in rows:
        found[channel_id].append(user_id)
    return found


def _channel_json(channel: Channel, member_ids: list[int], people: dict[int, User]) -> tuple[dict[str, Any], str]:
    sid = channel_sid(_id(channel.id), channel.kind)
    created = int(channel.created_at.timestamp())
    members = [user_sid(uid) for uid in member_ids]
    creator = user_sid(channel.created_by) if channel.created_by in people else ''
    if channel.kind == ChannelKind.DIRECT:
        return {'id': sid, 'created': created, 'members': members}, sid
    name = channel.name or _mpim_name(member_ids, people)
    entry = {
        'id': sid,
        'name': name,
        'created': created,
        'creator': creator,
        'is_archived': channel.archived,
        'is_general': channel.name == GENERAL_CHANNEL_NAME,
        'members': members,
        'topic': {'value': channel.topic, 'creator': '', 'last_set': 0},
        'purpose': {'value': channel.purpose, 'creator': '', 'last_set': 0},
    }
    return entry, name


def _mpim_name(member_ids: list[int], people: dict[int, User]) -> str:
    handles = [f'u{uid}' for uid in member_ids if uid in people]
    return 'mpdm-' + '--'.join(handles) + '-1'  # Slack's shape; unique because the member set is


def _history(
    session: Session,
    archive: zipfile.ZipFile,
    channel: Channel,
    folder: str,
    people: dict[int, User],
    channel_sids: dict[str, str],
) -> int:
    """Write the channel's day files, oldest first; returns how many messages were written."""
    channel_id = _id(channel.id)
    root_ts: dict[int, str] = {}
    day: str | None = None
    entries: list[dict[str, Any]] = []
    count = 0
    for page in _pages(session, channel_id):
        details = _details(session, [_id(m.id) for m in page])
        for message in page:
            ts = _ts(message.ts_us)
            if message.thread_root_id is None:
                root_ts[_id(message.id)] = ts
            if message.deleted_at is not None:
                continue
            moment = datetime.fromtimestamp(message.ts_us // 1_000_000, UTC).strftime('%Y-%m-%d')
            if moment != day:
                if day is not None and entries:
                    _put(archive, f'{folder}/{day}.json', entries)
                day, entries = moment, []
            entries.append(_message_json(message, ts, root_ts, people, channel_sids, details))
            count += 1
    if day is not None and entries:
        _put(archive, f'{folder}/{day}.json', entries)
    return count


def _pages(session: Session, channel_id: int) -> Iterator[list[Message]]:
    after = -1
    while True:
        page = list(
            session.exec(
                select(Message)
                .where(Message.channel_id == channel_id, Message.ts_us > after)
                .order_by(col(Message.ts_us))
                .limit(PAGE)
            ).all()
        )
        if not page:
            return
        yield page
        after = page[-1].ts_us


@dataclass
class _Details:
    reactions: dict[int, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))
    mentions: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    files: dict[int, list[Attachment]] = field(default_factory=lambda: defaultdict(list))


def _details(session: Session, message_ids: list[int]) -> _Details:
    """Reactions, mentions and files of one page of messages: three queries."""
    details = _Details()
    for message_id, user_id, emoji in session.exec(
        select(Reaction.message_id, Reaction.user_id, Reaction.emoji)
        .where(col(Reaction.message_id).in_(message_ids))
        .order_by(col(Reaction.id))
    ).all():
        details.reactions[message_id].setdefault(emoji, []).append(user_id)
    for message_id, user_id in session.exec(
        select(Mention.message_id, Mention.user_id).where(col(Mention.message_id).in_(message_ids))
    ).all():
        details.mentions[message_id].append(user_id)
    for attachment in session.exec(
        select(Attachment).where(col(Attachment.message_id).in_(message_ids)).order_by(col(Attachment.id))
    ).all():
        details.files[_id(attachment.message_id)].append(attachment)
    return details


def _message_json(
    message: Message,
    ts: str,
    root_ts: dict[int, str],
    people: dict[int, User],
    channel_sids: dict[str, str],
    details: _Details,
) -> dict[str, Any]:
    message_id = _id(message.id)
    author = people.get(message.author_id)
    mentioned = {
        people[uid].display_name: user_sid(uid) for uid in details.mentions.get(message_id, []) if uid in people
    }
    entry: dict[str, Any] = {
        'type': 'message',
        'user': user_sid(message.author_id),
        'text': to_slack(message.body, mentioned, channel_sids),
        'ts': ts,
    }
    if author is not None and _is_bot(author):
        entry.update(subtype='bot_message', bot_id=_bot_sid(message.author_id), username=author.display_name)
        del entry['user']
    if message.thread_root_id is not None:
        entry['thread_ts'] = root_ts.get(message.thread_root_id, ts)
        if message.also_in_channel:
            entry['subtype'] = 'thread_broadcast'
    elif message.reply_count:
        entry.update(thread_ts=ts, reply_count=message.reply_count)
    if message.edited_at is not None:
        edited_us = int(message.edited_at.timestamp() * 1_000_000)
        entry['edited'] = {'user': user_sid(message.author_id), 'ts': _ts(edited_us)}
    reactions = details.reactions.get(message_id, {})
    if reactions:
        entry['reactions'] = [
            {'name': emoji, 'users': [user_sid(uid) for uid in users], 'count': len(users)}
            for emoji, users in reactions.items()
        ]
    files = details.files.get(message_id, [])
    if files:
        entry['files'] = [
            {'id': f'F{a.public_id}', 'name': a.name, 'title': a.name, 'mimetype': a.mime, 'size': a.size}
            for a in files
        ]
    return entry


def _extras(session: Session, archive: zipfile.ZipFile, channels: list[Channel], report: ExportReport) -> None:
    kinds = {_id(c.id): c.kind for c in channels}
    ids = list(kinds)
    if not ids:
        return
    positions = session.exec(
        select(ChannelMember, Message.ts_us)
        .join(Message, col(Message.id) == ChannelMember.last_read_message_id)
        .where(col(ChannelMember.channel_id).in_(ids))
    ).all()
    _put(
        archive,
        'teamchat/read_positions.json',
        [
            {
                'channel': channel_sid(m.channel_id, kinds[m.channel_id]),
                'user': user_sid(m.user_id),
                'last_read': _ts(t),
            }
            for m, t in positions
        ],
    )
    bookmarks = session.exec(select(Bookmark).where(col(Bookmark.channel_id).in_(ids)).order_by(col(Bookmark.id))).all()
    _put(
        archive,
        'teamchat/bookmarks.json',
        [
            {
                'channel': channel_sid(b.channel_id, kinds[b.channel_id]),
                'title': b.title,
                'link': b.link,
                'emoji': b.emoji,
                'created_by': user_sid(b.created_by) if b.created_by else None,
            }
            for b in bookmarks
        ],
    )
    report.counts['read positions'] = len(positions)
    report.counts['bookmarks'] = len(bookmarks)


def _put(archive: zipfile.ZipFile, name: str, value: Any) -> None:
    archive.writestr(name, json.dumps(value, ensure_ascii=False, indent=1))


def _bot_sid(user_id: int) -> str:
    return 'B' + user_sid(user_id)[1:]  # the Web API's bot id of a bot user: the same number


def _ts(ts_us: int) -> str:
    return f'{ts_us // 1_000_000}.{ts_us % 1_000_000:06d}'


def _id(value: int | None) -> int:
    if value is None:
        raise AssertionError('a stored row has an id')
    return value
