"""One conversation's messages: read from its day files, put in time order, written in batches.

Time order per conversation keeps ids increasing with `ts` and puts every thread's start before its replies.
Each batch is one transaction (with the channel locked as a send locks it); no event goes out per message
(the import announces itself once, at the end). Text goes through the same write-time renderer as a typed
message, so whatever HTML an export holds is escaped; mentions become mention rows like a typed @name's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from db.models import Channel, ChannelMember, Mention, Message, Reaction
from settings import get_settings
from state.actions.guards import at_least
from state.actions.message_refs import WorkspaceResolver
from state.integrations.slack_markup import attachments_text, blocks_text, translate
from state.render import canonical_shortcode, render_message
from state.slack_archive.archive import MemberUnreadable, SafeArchive
from state.slack_archive.conversations import Target
from state.slack_archive.idmap import IdMap, message_key
from state.slack_archive.people import bot_user
from state.slack_archive.records import DAY_FILE_RE, SlackMessage, parse_message
from state.slack_archive.report import ImportReport
from state.text_safety import strip_unsafe_characters
from state.unit_of_work import unit_of_work

BATCH = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Notices Slack writes into the history; ours come from the membership and channel rows themselves.
NOTICE_SUBTYPES = frozenset(
    f'{prefix}_{what}'
    for prefix in ('channel', 'group')
    for what in ('join', 'leave', 'topic', 'purpose', 'name', 'archive', 'unarchive')
) | {'pinned_item', 'unpinned_item', 'tombstone', 'reminder_add', 'bot_add', 'bot_remove'}


@dataclass(frozen=True)
class Context:
    workspace_id: int
    workspace_slug: str
    person_name: Callable[[str], str | None]  # Slack user id -> our display name
    channel_name: Callable[[str], str | None]  # Slack channel id -> our channel name


def read_history(archive: SafeArchive, target: Target, report: ImportReport) -> list[SlackMessage]:
    """The conversation's messages from all its day files, oldest first; unusable files and entries skipped."""
    prefix = target.conversation.folder + '/'
    found: list[SlackMessage] = []
    for name in archive.names():
        if not name.startswith(prefix) or not DAY_FILE_RE.fullmatch(name[len(prefix) :]):
            continue
        try:
            day = archive.read_json(name)
        except MemberUnreadable as error:
            report.skip('day files that are not readable JSON', str(error))
            continue
        if not isinstance(day, list):
            report.skip('day files that are not a list of messages', name)
            continue
        for raw in day:
            parsed = parse_message(raw)
            if isinstance(parsed, str):
                report.skip('entries that are not usable messages', f'{parsed} in {name}')
            else:
                found.append(parsed)
    found.sort(key=lambda message: message.ts_us)
    return found


def write_history(
    messages: list[SlackMessage],
    target: Target,
    ids: IdMap,
    context: Context,
    report: ImportReport,
    tick: Callable[[int], None],
) -> None:
    sid = target.conversation.sid
    fresh = [m for m in messages if ids.get('message', message_key(sid, m.ts)) is None]
    report.already['messages'] += len(messages) - len(fresh)
    tick(len(messages) - len(fresh))
    for batch in _batches(fresh):
        with unit_of_work() as uow:
            _write_batch(uow.session, batch, target, ids, context, report)
        tick(len(batch))


def _batches(messages: list[SlackMessage]) -> Iterator[list[SlackMessage]]:
    for start in range(0, len(messages), BATCH):
        yield messages[start : start + BATCH]


def _write_batch(
    session: Session, batch: list[SlackMessage], target: Target, ids: IdMap, context: Context, report: ImportReport
) -> None:
    channel_id = target.channel_id
    session.exec(select(Channel.id).where(Channel.id == channel_id).with_for_update())  # as a send does
    used_ts = _used_ts(session, channel_id, batch)
    members = set(session.exec(select(ChannelMember.user_id).where(ChannelMember.channel_id == channel_id)).all())
    resolver = WorkspaceResolver(session, context.workspace_id, context.workspace_slug, channel_id)
    limit = get_settings().max_message_chars
    roots: set[int] = set()
    newest_in_channel = 0
    for item in batch:
        if item.subtype in NOTICE_SUBTYPES:
            report.skip('join, leave and topic notices (our channels keep these as data)')
            continue
        author_id = _author(session, item, ids, context, report)
        if author_id is None:
            continue
        body = _body(item, context)
        if not body:
            report.skip('messages with no text', f'{target.conversation.name} {item.ts}')
            continue
        if len(body) > limit:
            report.skip(f'messages cut to {limit:,} characters', f'{target.conversation.name} {item.ts}')
            body = body[: limit - 1] + '…'
        root_id = _root(item, target, ids, report)
        rendered = render_message(body, resolver)
        ts_us = item.ts_us
        while ts_us in used_ts:  # unique per channel; only an import into a channel with history collides
            ts_us += 1
        used_ts.add(ts_us)
        message = Message(
            channel_id=channel_id,
            author_id=author_id,
            thread_root_id=root_id,
            also_in_channel=root_id is not None and item.subtype == 'thread_broadcast',
            body=body,
            html=rendered.html,
            mentions_all=rendered.mentions_all,
            created_at=_moment(item.ts_us),
            ts_us=ts_us,
            edited_at=_moment(item.edited_ts_us) if item.edited_ts_us else None,
        )
        session.add(message)
        session.flush()
        message_id = message.id
        if message_id is None:
            raise AssertionError('flushed message has an id')
        ids.put(session, 'message', message_key(target.conversation.sid, item.ts), message_id)
        for user_id in {uid for uid in rendered.mentioned_user_ids if uid in members and uid != author_id}:
            session.add(Mention(message_id=message_id, user_id=user_id, channel_id=channel_id))
        _reactions(session, message_id, item, ids, report)
        report.add('messages')
        if root_id is not None:
            roots.add(root_id)
            report.add('thread replies')
        if root_id is None or message.also_in_channel:
            newest_in_channel = max(newest_in_channel, message_id)
    session.flush()
    for root_id in roots:
        _summarize_thread(session, root_id)
    if newest_in_channel:
        session.execute(
            update(Channel)
            .where(col(Channel.id) == channel_id)
            .values(last_message_id=at_least(col(Channel.last_message_id), newest_in_channel))
        )


def _used_ts(session: Session, channel_id: int, batch: list[SlackMessage]) -> set[int]:
    low, high = batch[0].ts_us, batch[-1].ts_us + len(batch)
    rows = session.exec(
        select(Message.ts_us).where(Message.channel_id == channel_id, Message.ts_us >= low, Message.ts_us <= high)
    ).all()
    return set(rows)


def _author(session: Session, item: SlackMessage, ids: IdMap, context: Context, report: ImportReport) -> int | None:
    if item.bot_key is not None:
        return bot_user(session, context.workspace_id, item.bot_key, item.bot_name, ids, report)
    user_id = ids.get('user', item.user) if item.user else None
    if user_id is None:
        report.skip('messages by people missing from users.json', f'{item.user} at {item.ts}')
    return user_id


def _body(item: SlackMessage, context: Context) -> str:
    parts = [item.text]
    if not item.text.strip():  # a bot post that only has blocks or legacy attachments
        parts = [blocks_text(item.blocks), attachments_text(item.attachments)]
    text = translate('\n'.join(part for part in parts if part), context.person_name, context.channel_name)
    links = [
        f'📎 {file.name}: {file.url}' if file.url else f'📎 {file.name} (not in the export)' for file in item.files
    ]
    return strip_unsafe_characters('\n'.join([text, *links])).strip()


def _root(item: SlackMessage, target: Target, ids: IdMap, report: ImportReport) -> int | None:
    if item.thread_ts is None:
        return None
    root_id = ids.get('message', message_key(target.conversation.sid, item.thread_ts))
    if root_id is None:
        report.skip('replies whose thread start is missing (kept as plain messages)', item.ts)
    return root_id


def _reactions(session: Session, message_id: int, item: SlackMessage, ids: IdMap, report: ImportReport) -> None:
    added: set[tuple[int, str]] = set()  # "+1" and "thumbsup" are one emoji: a person reacts with it once
    for reaction in item.reactions:
        shortcode = canonical_shortcode(reaction.name.split('::', 1)[0])  # "+1::skin-tone-2" is +1
        if shortcode is None:
            report.skip('reactions with custom or unknown emoji', f':{reaction.name}:')
            continue
        for sid in reaction.users:
            user_id = ids.get('user', sid)
            if user_id is None or (user_id, shortcode) in added:
                continue
            added.add((user_id, shortcode))
            session.add(Reaction(message_id=message_id, user_id=user_id, emoji=shortcode))
            report.add('reactions')


def _summarize_thread(session: Session, root_id: int) -> None:
    """The root's reply count and last reply time, from the rows (an import adds replies in bulk)."""
    count, last = session.exec(
        select(func.count(), func.max(Message.created_at)).where(
            Message.thread_root_id == root_id, col(Message.deleted_at).is_(None)
        )
    ).one()
    session.execute(update(Message).where(col(Message.id) == root_id).values(reply_count=count, last_reply_at=last))


def _moment(ts_us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=ts_us)  # exact, where a float of seconds would round
