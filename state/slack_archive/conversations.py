"""The export's channels, private channels, DMs and group DMs become ours, with topics, purposes and members.

A channel whose name the workspace already has (Slack's #general above all) takes the import into the
existing one; a DM between the same people is the one they already have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from db.authz import GENERAL_CHANNEL_NAME
from db.models import Channel, ChannelKind, ChannelMember
from state.slack_archive.idmap import IdMap
from state.slack_archive.records import SlackConversation
from state.slack_archive.report import ImportReport
from state.text_safety import strip_unsafe_characters

MAX_TEXT = 250  # our topic and purpose columns


@dataclass(frozen=True)
class Target:
    """Where one Slack conversation's messages go."""

    conversation: SlackConversation
    channel_id: int


def import_conversations(
    session: Session,
    workspace_id: int,
    conversations: list[SlackConversation],
    ids: IdMap,
    report: ImportReport,
) -> tuple[list[Target], set[tuple[int, int]]]:
    """The targets in the export's order, and the (channel, user) memberships this import added."""
    targets: list[Target] = []
    joined: set[tuple[int, int]] = set()
    for conversation in conversations:
        members = _known_members(conversation, ids, report)
        channel_id = ids.get('channel', conversation.sid)
        if channel_id is not None:
            report.already['conversations'] += 1
        else:
            channel = _find_or_create(session, workspace_id, conversation, members, ids, report)
            if channel is None:
                continue
            channel_id = channel.id
            if channel_id is None:
                raise AssertionError('flushed channel has an id')
            ids.put(session, 'channel', conversation.sid, channel_id)
        present = set(session.exec(select(ChannelMember.user_id).where(ChannelMember.channel_id == channel_id)).all())
        for user_id in members:
            if user_id not in present:
                session.add(ChannelMember(channel_id=channel_id, user_id=user_id))
                joined.add((channel_id, user_id))
                present.add(user_id)
        targets.append(Target(conversation, channel_id))
    session.flush()
    return targets, joined


def _known_members(conversation: SlackConversation, ids: IdMap, report: ImportReport) -> list[int]:
    members: list[int] = []
    for sid in conversation.members:
        user_id = ids.get('user', sid)
        if user_id is None:
            report.skip('memberships of people missing from users.json', f'{sid} in {conversation.name}')
        elif user_id not in members:
            members.append(user_id)
    return members


def _find_or_create(
    session: Session,
    workspace_id: int,
    conversation: SlackConversation,
    members: list[int],
    ids: IdMap,
    report: ImportReport,
) -> Channel | None:
    creator = ids.get('user', conversation.creator) if conversation.creator else None
    created_at = datetime.fromtimestamp(conversation.created, UTC) if conversation.created else None
    if conversation.kind in (ChannelKind.DIRECT, ChannelKind.GROUP):
        if not members or len(members) < len(set(conversation.members)):
            report.skip('direct conversations with people missing from users.json', conversation.sid)
            return None
        dm_key = ','.join(str(uid) for uid in sorted(members))
        existing = session.exec(
            select(Channel).where(Channel.workspace_id == workspace_id, Channel.dm_key == dm_key)
        ).first()
        if existing is not None:
            return existing
        kind = ChannelKind.GROUP if len(members) > 2 else ChannelKind.DIRECT
        channel = Channel(workspace_id=workspace_id, kind=kind, dm_key=dm_key, created_by=creator)
    else:
        name = GENERAL_CHANNEL_NAME if conversation.is_general else channel_name(conversation.name)
        if name is None:
            report.skip('channels whose name has no letters or digits', repr(conversation.name[:80]))
            return None
        existing = session.exec(
            select(Channel).where(Channel.workspace_id == workspace_id, col(Channel.name) == name)
        ).first()
        if existing is not None:
            if name != GENERAL_CHANNEL_NAME:
                report.skip('channels merged into an existing channel of the same name', f'#{name}')
            existing.topic = existing.topic or _short(conversation.topic)  # what ours has stays
            existing.purpose = existing.purpose or _short(conversation.purpose)
            return existing
        channel = Channel(
            workspace_id=workspace_id,
            kind=conversation.kind,
            name=name,
            topic=_short(conversation.topic),
            purpose=_short(conversation.purpose),
            archived=conversation.archived,
            created_by=creator,
        )
    if created_at is not None:
        channel.created_at = created_at
    session.add(channel)
    session.flush()
    report.add(f'{conversation.kind.value} conversations')
    return channel


def channel_name(raw: str) -> str | None:
    """Our channel-name rule (lower-case letters, digits, `-` and `_`, up to 80) applied to a Slack name."""
    cleaned = re.sub(r'[^a-z0-9_-]+', '-', raw.strip().lower()).strip('-')[:80]
    return cleaned or None


def _short(text: str) -> str:
    cleaned = ' '.join(strip_unsafe_characters(text).split())
    return cleaned if len(cleaned) <= MAX_TEXT else cleaned[: MAX_TEXT - 1] + '…'
