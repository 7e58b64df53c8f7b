"""Build the demo workspace through the ordinary actions, then spread its history over the past week.

Messages are sent oldest first (ids are the order, DESIGN rule 3), then `_backdate` rewrites their
`created_at` and `ts_us` (and the thread summaries) to the planned times. That rewrite is the only direct database write
here and exists only because actions always stamp "now"; it is demo data, never user data.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from db.engine import read_session, session_scope
from db.models import Channel, ChannelMember, Message, User, Workspace, WorkspaceMember, WorkspaceRole, epoch_us, utcnow
from db.workspace_queries import general_channel, workspace_by_name_or_slug
from demo.script import (
    CHANNELS,
    CONVERSATIONS,
    DIRECT,
    PEOPLE,
    REVIEW_REPLIES,
    REVIEW_TITLES,
    SMALL_TALK,
    SMALL_TALK_REPLIES,
    STANDUP_TASKS,
    Line,
)
from state import rate_limit
from state.actions.accounts import sign_up
from state.actions.channels import create_channel, invite_to_channel, join_channel, open_direct
from state.actions.messages import send_message
from state.actions.reactions import add_reaction
from state.actions.reads import mark_read
from state.actions.workspaces import add_member, create_workspace
from state.errors import Conflict

DEMO_WORKSPACE = 'Demo'
DEMO_PASSWORD = 'demo-password'
HISTORY_DAYS = 9
SCRIPT_FIRST_DAY = HISTORY_DAYS - 5  # the hand-written conversations fill the last five days
ENGINEERS = ('bob', 'dave', 'erin')


class DemoExists(Exception):
    """The demo workspace is already there; nothing was changed."""


@dataclass(frozen=True)
class SeedResult:
    workspace_name: str
    workspace_slug: str
    password: str
    people: list[tuple[str, str]]  # (email, display name)
    messages: int


@dataclass
class Planned:
    """One message of the history: where, who, what, when, and (for a reply) its thread root."""

    at: datetime
    where: str
    who: str
    text: str
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    root: Planned | None = None
    id: int | None = field(default=None, compare=False)


def seed(now: datetime | None = None, rng_seed: int = 2026) -> SeedResult:
    with rate_limit.exempt():  # seeding writes a few days of history at once; that is not a flood
        return _seed(now, rng_seed)


def _seed(now: datetime | None, rng_seed: int) -> SeedResult:
    moment = now or utcnow()
    _refuse_if_present()
    users = {p.key: _id(sign_up(p.email, p.name, DEMO_PASSWORD).id) for p in PEOPLE}
    workspace = create_workspace(users['alice'], DEMO_WORKSPACE)
    workspace_id = _id(workspace.id)
    for person in PEOPLE[1:]:
        add_member(workspace_id, users[person.key], WorkspaceRole(person.role))
    channels = _create_channels(workspace_id, users)
    plan = sorted(_plan(moment, random.Random(rng_seed)), key=lambda item: item.at)
    for item in plan:
        root_id = item.root.id if item.root is not None else None
        item.id = send_message(users[item.who], channels[item.where], item.text, None, thread_root_id=root_id).id
    for item in plan:
        for emoji, people in item.reactions:
            for key in people:
                add_reaction(users[key], _id(item.id), emoji)
    _backdate(plan, workspace_id, moment - timedelta(days=HISTORY_DAYS + 1))
    _read_most(plan, channels, random.Random(rng_seed + 1))
    return SeedResult(DEMO_WORKSPACE, workspace.slug, DEMO_PASSWORD, [(p.email, p.name) for p in PEOPLE], len(plan))


def _refuse_if_present() -> None:
    if workspace_by_name_or_slug(DEMO_WORKSPACE) is not None:
        raise DemoExists(f'A workspace called "{DEMO_WORKSPACE}" already exists, so the demo was not seeded again.')
    emails = [p.email for p in PEOPLE]
    with read_session() as session:
        taken = session.exec(select(User.email).where(col(User.email).in_(emails))).first()
    if taken is not None:
        raise Conflict(f'{taken} already has an account; seed-demo needs a server without the demo accounts.')


def _create_channels(workspace_id: int, users: dict[str, int]) -> dict[str, int]:
    general = general_channel(workspace_id)
    channels = {'general': _id(general.id if general is not None else None)}
    everyone = [p.key for p in PEOPLE]
    for plan in CHANNELS:
        members = list(plan.members) or everyone
        creator = members[0] if plan.private else ('carol' if plan.name == 'design' else 'bob')
        view = create_channel(users[creator], workspace_id, plan.name, private=plan.private, topic=plan.topic)
        for key in members:
            if key == creator:
                continue
            if plan.private:
                invite_to_channel(users[creator], view.id, users[key])
            else:
                join_channel(users[key], view.id)
        channels[plan.name] = view.id
    for keys in DIRECT:
        view = open_direct(users[keys[0]], workspace_id, [users[key] for key in keys[1:]])
        channels['dm:' + ','.join(keys)] = view.id
    return channels


def _plan(now: datetime, rng: random.Random) -> list[Planned]:
    day_zero = (now - timedelta(days=HISTORY_DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)

    def at(day: int, hour: float) -> datetime:
        return day_zero + timedelta(days=day, hours=hour)

    plan: list[Planned] = []
    for conversation in CONVERSATIONS:
        plan += _lines(
            conversation.where, at(SCRIPT_FIRST_DAY + conversation.day, conversation.hour), conversation.lines
        )
    for day in range(HISTORY_DAYS):
        plan += _standup(at(day, 9.5), rng)
        plan.append(_deploy(at(day, 16.5 + rng.random()), day, rng))
    titles = list(REVIEW_TITLES)
    rng.shuffle(titles)
    for number, title in enumerate(titles, start=412):
        plan += _review(at(rng.randrange(HISTORY_DAYS), rng.uniform(10, 17)), number, title, rng)
    for where, text in SMALL_TALK:
        plan += _small_talk(at(rng.randrange(HISTORY_DAYS), rng.uniform(9, 18)), where, text, rng)
    plan += _this_morning(now)
    return [item for item in plan if item.at < now]


def _lines(where: str, start: datetime, lines: Iterable[Line], root: Planned | None = None) -> list[Planned]:
    out: list[Planned] = []
    moment = start
    for line in lines:
        moment += timedelta(minutes=line.gap_minutes) if out else timedelta()
        item = Planned(moment, where, line.who, line.text, line.reactions, root)
        out.append(item)
        if line.replies:
            out += _lines(where, moment + timedelta(minutes=line.replies[0].gap_minutes), line.replies, item)
    return out


def _standup(start: datetime, rng: random.Random) -> list[Planned]:
    weekday = start.strftime('%A')
    root = Planned(
        start, 'engineering', 'bob', f'Standup thread for {weekday} :coffee: Reply with yesterday, today, blockers.'
    )
    out = [root]
    moment = start
    for key in ('bob', 'dave', 'erin', 'carol', 'frank'):
        moment += timedelta(minutes=rng.uniform(2, 12))
        done, doing = rng.sample(STANDUP_TASKS, 2)
        blocker = 'none' if rng.random() < 0.8 else 'waiting for a review from @Bob Martinez'
        out.append(
            Planned(moment, 'engineering', key, f'Yesterday: {done}. Today: {doing}. Blockers: {blocker}.', root=root)
        )
    return out


def _deploy(moment: datetime, day: int, rng: random.Random) -> Planned:
    who = rng.choice(('bob', 'dave'))
    fans = tuple(sorted(rng.sample([k for k in (*ENGINEERS, 'alice') if k != who], 2)))
    return Planned(
        moment, 'engineering', who, f'Deployed 2.3.{day + 1} to production :ship:', reactions=(('rocket', fans),)
    )


def _review(moment: datetime, number: int, title: str, rng: random.Random) -> list[Planned]:
    author = rng.choice(ENGINEERS)
    root = Planned(
        moment,
        'engineering',
        author,
        f'PR ready for review: **{title}** (#{number})',
        reactions=(('eyes', (rng.choice([k for k in ENGINEERS if k != author]),)),),
    )
    out = [root]
    for reviewer in rng.sample([k for k in ENGINEERS if k != author], rng.randint(1, 2)):
        moment += timedelta(minutes=rng.uniform(10, 90))
        out.append(Planned(moment, 'engineering', reviewer, rng.choice(REVIEW_REPLIES), root=root))
    if rng.random() < 0.6:
        moment += timedelta(minutes=rng.uniform(5, 30))
        out.append(Planned(moment, 'engineering', author, 'Thanks, merged :white_check_mark:', root=root))
    return out


def _small_talk(moment: datetime, where: str, text: str, rng: random.Random) -> list[Planned]:
    everyone = [p.key for p in PEOPLE]
    author = rng.choice(everyone)
    others = [k for k in everyone if k != author]
    reactions = (('thumbsup', tuple(sorted(rng.sample(others, rng.randint(1, 3))))),) if rng.random() < 0.4 else ()
    out = [Planned(moment, where, author, text, reactions)]
    for key in rng.sample(others, rng.randint(0, 3)):
        moment += timedelta(minutes=rng.uniform(1, 15))
        out.append(Planned(moment, where, key, rng.choice(SMALL_TALK_REPLIES)))
    return out


def _this_morning(now: datetime) -> list[Planned]:
    """A few fresh messages, so the demo opens with something new (and a mention for Alice)."""
    return [
        Planned(now - timedelta(minutes=95), 'random', 'frank', 'Morning all :coffee:'),
        Planned(
            now - timedelta(minutes=50),
            'engineering',
            'erin',
            '@Alice Chen the 2.4 release branch is cut; the release notes need your sign-off.',
        ),
        Planned(
            now - timedelta(minutes=20),
            'general',
            'carol',
            'The all-hands slides are in the shared drive. Feedback before noon please :pray:',
        ),
    ]


def _backdate(plan: list[Planned], workspace_id: int, founded: datetime) -> None:
    """Move the history to its planned times (see the module docstring for why this writes directly)."""
    last_reply: dict[int, datetime] = {}
    for item in plan:
        if item.root is not None and item.root.id is not None:
            last_reply[item.root.id] = max(item.at, last_reply.get(item.root.id, item.at))
    newest_ts: dict[str, int] = {}  # per channel: Slack's `ts` stays unique and increasing (models.Message.ts_us)
    with session_scope() as session:
        for item in plan:
            newest_ts[item.where] = max(epoch_us(item.at), newest_ts.get(item.where, 0) + 1)
            values: dict[str, datetime | int] = {'created_at': item.at, 'ts_us': newest_ts[item.where]}
            if item.id in last_reply:
                values['last_reply_at'] = last_reply[item.id]
            session.execute(update(Message).where(col(Message.id) == item.id).values(**values))
        session.execute(update(Workspace).where(col(Workspace.id) == workspace_id).values(created_at=founded))
        session.execute(
            update(WorkspaceMember).where(col(WorkspaceMember.workspace_id) == workspace_id).values(joined_at=founded)
        )
        channel_ids = select(Channel.id).where(Channel.workspace_id == workspace_id)
        session.execute(update(Channel).where(col(Channel.id).in_(channel_ids)).values(created_at=founded))
        session.execute(
            update(ChannelMember).where(col(ChannelMember.channel_id).in_(channel_ids)).values(joined_at=founded)
        )


def _read_most(plan: list[Planned], channels: dict[str, int], rng: random.Random) -> None:
    """Everyone has read nearly everything: a handful of unread messages makes the badges meaningful."""
    top_level: dict[str, list[Planned]] = {}
    for item in plan:
        if item.root is None:
            top_level.setdefault(item.where, []).append(item)
    with read_session() as session:
        memberships = session.exec(
            select(ChannelMember.channel_id, ChannelMember.user_id).where(
                col(ChannelMember.channel_id).in_(list(channels.values()))
            )
        ).all()
    names = {channel_id: where for where, channel_id in channels.items()}
    for channel_id, user_id in memberships:
        messages = top_level.get(names[channel_id], [])
        keep_unread = rng.choice((0, 0, 1, 2, 3))
        if len(messages) > keep_unread:
            mark_read(user_id, channel_id, _id(messages[-1 - keep_unread].id))


def _id(value: int | None) -> int:
    if value is None:
        raise AssertionError('a stored row has an id')
    return value
