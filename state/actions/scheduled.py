"""Scheduled messages: schedule, list, edit and cancel one's own (Slack's chat.scheduleMessage and friends).

Scheduling checks what a send checks (the text, that the author may post in the channel now, the thread), so a
message that could not be sent now cannot be scheduled either; the scheduler (scheduled_delivery.py) posts it
through the ordinary send action when its time comes, which checks everything again. A scheduled message is
its author's alone: anyone else's id answers "not found". Every change tells the author's tabs
(`ScheduledChanged` on `user:{id}`), which read their list again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from db.engine import read_session
from db.models import Channel, ScheduledMessage, ScheduledState, fits_id, utcnow
from db.scheduled_queries import OPEN_STATES, ScheduledView, count_open, own_scheduled, scheduled_view
from state.actions.guards import active_user, require_id, workspace_membership
from state.actions.messages import check_sendable
from state.actions.scheduled_delivery import announce, deliver
from state.errors import InvalidInput, NotFound
from state.rate_limit import limiter
from state.unit_of_work import unit_of_work

MAX_AHEAD = timedelta(days=120)  # as Slack: at most 120 days ahead
MAX_PENDING = 200  # per person and workspace: a list one can still read
SCHEDULED_NOT_FOUND = 'This scheduled message does not exist (it may have been sent or cancelled).'


def schedule_message(
    actor_id: int,
    channel_id: int,
    body: str,
    post_at: datetime,
    thread_root_id: int | None = None,
    also_in_channel: bool = False,
) -> ScheduledView:
    """Keep `body` to be posted in the channel (or the thread) at `post_at` as the actor."""
    when = check_post_at(post_at)
    limiter.take('message', actor_id)  # scheduling is a send deferred: the same budget against floods
    with unit_of_work() as uow:
        session = uow.session
        text = check_sendable(session, actor_id, channel_id, body, thread_root_id)
        channel_workspace = _workspace_of_channel(session, channel_id)
        if count_open(actor_id, channel_workspace) >= MAX_PENDING:
            raise InvalidInput(f'You can have at most {MAX_PENDING} scheduled messages in a workspace.')
        row = ScheduledMessage(
            workspace_id=channel_workspace,
            channel_id=channel_id,
            author_id=actor_id,
            body=text,
            thread_root_id=thread_root_id,
            also_in_channel=also_in_channel and thread_root_id is not None,
            post_at=when,
        )
        session.add(row)
        session.flush()
        require_id(row.id)
        announce(session, row)
        return scheduled_view(row)


def scheduled_messages(actor_id: int, workspace_id: int, channel_id: int | None = None) -> list[ScheduledView]:
    """The actor's scheduled messages in the workspace (waiting and failed ones), soonest first."""
    with read_session() as session:
        active_user(session, actor_id)
        if workspace_membership(session, workspace_id, actor_id) is None:
            raise NotFound('This workspace does not exist or you are not a member of it.')
    return own_scheduled(actor_id, workspace_id, channel_id, states=OPEN_STATES, limit=MAX_PENDING)


def edit_scheduled_message(
    actor_id: int, scheduled_id: int, body: str | None = None, post_at: datetime | None = None
) -> ScheduledView:
    """New text and/or time for one's own waiting (or failed: it waits again) scheduled message."""
    when = check_post_at(post_at) if post_at is not None else None
    with unit_of_work() as uow:
        session = uow.session
        row = own_row(session, actor_id, scheduled_id)
        if row.state not in (ScheduledState.PENDING, ScheduledState.FAILED):
            raise InvalidInput('This message is being sent right now.', code='invalid_scheduled_message_id')
        text = check_sendable(session, actor_id, row.channel_id, row.body if body is None else body, row.thread_root_id)
        if when is None and row.post_at <= utcnow():  # a failed one whose time has passed waits for a new one
            raise InvalidInput('Pick a new time: the one it had has passed.', code='time_in_past')
        row.body = text
        if when is not None:
            row.post_at = when
        row.state = ScheduledState.PENDING
        row.failure = ''
        session.add(row)
        session.flush()
        announce(session, row)
        return scheduled_view(row)


def cancel_scheduled_message(actor_id: int, scheduled_id: int) -> None:
    """Delete one's own scheduled message that has not been sent (a failed one is dismissed the same way)."""
    with unit_of_work() as uow:
        session = uow.session
        row = own_row(session, actor_id, scheduled_id)
        if row.state not in (ScheduledState.PENDING, ScheduledState.FAILED):
            raise InvalidInput('This message is being sent right now.', code='invalid_scheduled_message_id')
        announce(session, row)
        session.delete(row)


def send_scheduled_now(actor_id: int, scheduled_id: int) -> ScheduledView:
    """Post one's own waiting scheduled message at once (the scheduler's own path: claimed, sent, recorded)."""
    with unit_of_work() as uow:
        session = uow.session
        row = own_row(session, actor_id, scheduled_id)
        if row.state not in (ScheduledState.PENDING, ScheduledState.FAILED):
            raise InvalidInput('This message is being sent right now.', code='invalid_scheduled_message_id')
        row.post_at = utcnow()
        row.state = ScheduledState.PENDING
        session.add(row)
    outcome = deliver(scheduled_id)
    if outcome is None:  # another node's scheduler took it in between: it is being sent
        raise InvalidInput('This message is being sent right now.', code='invalid_scheduled_message_id')
    return outcome


# ---- shared checks --------------------------------------------------------------------------------------------


def check_post_at(post_at: datetime, now: datetime | None = None) -> datetime:
    """In the future and at most 120 days ahead (Slack's `time_in_past` and `time_too_far`); stored in UTC."""
    if not isinstance(post_at, datetime):
        raise InvalidInput('The time to send at must be a date and time.', code='invalid_time')
    when = post_at if post_at.tzinfo is not None else post_at.replace(tzinfo=UTC)
    moment = now or utcnow()
    if when <= moment:
        raise InvalidInput('That time has already passed; pick one in the future.', code='time_in_past')
    if when > moment + MAX_AHEAD:
        raise InvalidInput('A message can be scheduled at most 120 days ahead.', code='time_too_far')
    return when.astimezone(UTC)


def own_row(session: Session, actor_id: int, scheduled_id: int) -> ScheduledMessage:
    """The actor's own scheduled message that has not been sent; anything else is "not found"."""
    active_user(session, actor_id)
    row = session.get(ScheduledMessage, scheduled_id) if fits_id(scheduled_id) else None
    if row is None or row.author_id != actor_id or row.state == ScheduledState.SENT:
        raise NotFound(SCHEDULED_NOT_FOUND, code='invalid_scheduled_message_id')
    return row


def _workspace_of_channel(session: Session, channel_id: int) -> int:
    channel = session.get(Channel, channel_id)
    if channel is None:  # check_sendable has found it; a concurrent delete cascades this row away anyway
        raise NotFound('This channel does not exist.', code='channel_not_found')
    return channel.workspace_id
