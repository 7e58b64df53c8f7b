"""Import a Slack workspace export into one of our workspaces: people, conversations, then each history.

The archive's directory is checked before anything is written (`archive.py`), so a hostile or foreign zip
changes nothing. Then: people and conversations in one transaction, each conversation's history in batches
(`history.py`), and a last transaction that marks the imported history read (for whoever had nothing unread
before, and the people the import brought in) and announces the import once on `workspace:{id}` (open
sidebars and rosters reload; no event per message).
Everything imported is recorded in `slack_import_map`, so running it again adds nothing, and a run that
stopped half-way (a database failure) continues where it stopped.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import col, select

from db.models import Channel, ChannelMember, User, Workspace
from state.actions.guards import at_least
from state.bus import workspace_topic
from state.errors import Conflict, NotFound
from state.events import WorkspaceImported
from state.slack_archive.archive import ArchiveRefused, Limits, MemberUnreadable, SafeArchive
from state.slack_archive.conversations import import_conversations
from state.slack_archive.history import Context, read_history, write_history
from state.slack_archive.idmap import IdMap
from state.slack_archive.people import import_people
from state.slack_archive.records import (
    CONVERSATION_FILES,
    SlackConversation,
    SlackUser,
    parse_conversation,
    parse_user,
)
from state.slack_archive.report import ImportReport, Progress, no_progress
from state.unit_of_work import unit_of_work

_running: set[int] = set()  # workspaces with an import under way in this process
_running_lock = threading.Lock()


def import_archive(
    workspace_id: int, path: Path, *, progress: Progress = no_progress, limits: Limits | None = None
) -> ImportReport:
    with _running_lock:
        if workspace_id in _running:
            raise Conflict('An import into this workspace is already running.')
        _running.add(workspace_id)
    try:
        return _import(workspace_id, path, progress, limits or Limits())
    finally:
        with _running_lock:
            _running.discard(workspace_id)


def _import(workspace_id: int, path: Path, progress: Progress, limits: Limits) -> ImportReport:
    report = ImportReport()
    with SafeArchive(path, limits) as archive:
        users, conversations = _directory(archive, report)
        ids = IdMap(workspace_id)
        with unit_of_work() as uow:
            workspace = uow.session.get(Workspace, workspace_id)
            if workspace is None:
                raise NotFound('There is no such workspace.')
            slug = workspace.slug
            import_people(uow.session, workspace_id, users, ids, report)
            targets, joined = import_conversations(uow.session, workspace_id, conversations, ids, report)
            names = _names(uow.session, ids, users)
            before = _newest(uow.session, [target.channel_id for target in targets])
            channel_names = _channel_names(uow.session, ids, conversations)
        context = Context(workspace_id, slug, names.get, channel_names.get)
        total = len(targets)
        for done, target in enumerate(targets):
            label = target.conversation.name if target.conversation.kind != 'direct' else 'a direct message'
            progress(done, total, label)
            history = read_history(archive, target, report)
            write_history(history, target, ids, context, report, _Ticker(progress, done, total, label, len(history)))
        _finish(workspace_id, before, joined)
        progress(total, total, 'done')
    return report


class _Ticker:
    """Progress inside one conversation: how many of its messages are written."""

    def __init__(self, progress: Progress, done: int, total: int, label: str, size: int) -> None:
        self._progress, self._done, self._total, self._label, self._size = progress, done, total, label, size
        self._written = 0

    def __call__(self, count: int) -> None:
        self._written += count
        self._progress(self._done, self._total, f'{self._label}: {self._written:,} of {self._size:,} messages')


def _directory(archive: SafeArchive, report: ImportReport) -> tuple[list[SlackUser], list[SlackConversation]]:
    """users.json and the conversation lists; without them this is not a Slack export and nothing is written."""
    if not archive.has('users.json') or not any(archive.has(name) for name in CONVERSATION_FILES):
        raise ArchiveRefused('This is not a Slack export: it needs users.json and channels.json at its top level.')
    users: list[SlackUser] = []
    for raw in _list(archive, 'users.json'):
        parsed = parse_user(raw)
        if isinstance(parsed, str):
            report.skip('users.json entries that are not usable', parsed)
        else:
            users.append(parsed)
    conversations: list[SlackConversation] = []
    seen: set[str] = set()
    for name, kind in CONVERSATION_FILES.items():
        if not archive.has(name):
            continue
        for raw in _list(archive, name):
            conversation = parse_conversation(raw, kind)
            if isinstance(conversation, str):
                report.skip(f'{name} entries that are not usable', conversation)
            elif conversation.sid in seen:
                report.skip('conversations listed twice', conversation.sid)
            else:
                seen.add(conversation.sid)
                conversations.append(conversation)
    return users, conversations


def _list(archive: SafeArchive, name: str) -> list[Any]:
    try:
        value = archive.read_json(name)
    except MemberUnreadable as error:
        raise ArchiveRefused(f'{error}; nothing was imported.') from error
    if not isinstance(value, list):
        raise ArchiveRefused(f'{name} is not a list; nothing was imported.')
    return value


def _names(session: Any, ids: IdMap, users: list[SlackUser]) -> dict[str, str]:
    """Slack user id -> the display name its person has here (for `<@U…>` in the text)."""
    wanted = {user.sid: ids.get('user', user.sid) for user in users}
    local = {uid for uid in wanted.values() if uid is not None}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(local))).all() if local else []
    by_id = {row[0]: row[1] for row in rows}
    return {sid: by_id[uid] for sid, uid in wanted.items() if uid is not None and uid in by_id}


def _channel_names(session: Any, ids: IdMap, conversations: list[SlackConversation]) -> dict[str, str]:
    wanted = {c.sid: ids.get('channel', c.sid) for c in conversations if c.kind in ('public', 'private')}
    local = {cid for cid in wanted.values() if cid is not None}
    rows = session.exec(select(Channel.id, Channel.name).where(col(Channel.id).in_(local))).all() if local else []
    by_id = {row[0]: row[1] for row in rows if row[1]}
    return {sid: by_id[cid] for sid, cid in wanted.items() if cid is not None and cid in by_id}


def _newest(session: Any, channel_ids: list[int]) -> dict[int, int]:
    if not channel_ids:
        return {}
    rows = session.exec(select(Channel.id, Channel.last_message_id).where(col(Channel.id).in_(channel_ids))).all()
    return {row[0]: row[1] for row in rows}


def _finish(workspace_id: int, before: dict[int, int], joined: set[tuple[int, int]]) -> None:
    """Imported history is old news: whoever had read everything before (and whoever the import brought in)
    has read it; people with unread messages keep them. Then tell the workspace, once."""
    with unit_of_work() as uow:
        for channel_id, newest_before in before.items():
            newest = uow.session.exec(select(Channel.last_message_id).where(Channel.id == channel_id)).one()
            if newest == newest_before:
                continue
            brought_in = [uid for cid, uid in joined if cid == channel_id]
            uow.session.execute(
                update(ChannelMember)
                .where(
                    col(ChannelMember.channel_id) == channel_id,
                    or_(
                        col(ChannelMember.last_read_message_id) >= newest_before,
                        col(ChannelMember.user_id).in_(brought_in),
                    ),
                )
                .values(last_read_message_id=at_least(col(ChannelMember.last_read_message_id), newest))
            )
        uow.publish(workspace_topic(workspace_id), WorkspaceImported(workspace_id=workspace_id))
