"""Posting scheduled messages when their time comes: durable and exactly once, on one node or many.

The app timer (state/runtime.py) starts `deliver_due` in a worker thread every few seconds (and once at start,
so what fell due while the server was down goes out at once). Each due row is first *claimed*: one
`UPDATE ... SET state='sending' WHERE id=? AND state='pending'` that only one node can win (PostgreSQL's READ
COMMITTED re-checks the WHERE on the row a concurrent winner committed; SQLite serialises writers). The winner
posts it through the ordinary `send_message` as its author, so authorization is checked again at send time,
with the client_msg_id `scheduled-{id}`: `UNIQUE(author, client_msg_id)` makes a second attempt return the
first message, never a copy. So a node that dies between posting and recording leaves a claim that another
scheduler takes over after `STALE_CLAIM` and records the one message that exists. A refusal (the author left
the channel, it was archived, the account was deactivated) marks the row failed with the reason.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta

from nicegui import background_tasks
from sqlalchemy import update
from sqlmodel import Session, col

from db.errors import DatabaseUnavailable
from db.models import ScheduledMessage, ScheduledState, utcnow
from db.scheduled_queries import ScheduledView, due_ids, scheduled_view
from state import rate_limit
from state.actions.messages import send_message
from state.blocking import off_loop
from state.bus import user_topic
from state.errors import ActionError
from state.events import ScheduledChanged
from state.unit_of_work import unit_of_work, unit_of_work_of

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=2)  # far longer than a send takes; then the claiming node is presumed gone
BATCH = 100  # rows per run; the next tick takes the rest
MAX_FAILURE_CHARS = 300


def client_msg_id_for(scheduled_id: int) -> str:
    return f'scheduled-{scheduled_id}'


def announce(session: Session, row: ScheduledMessage) -> None:
    """Tell the author's tabs that their scheduled messages changed (after the commit)."""
    event = ScheduledChanged(user_id=row.author_id, workspace_id=row.workspace_id, channel_id=row.channel_id)
    unit_of_work_of(session).publish(user_topic(row.author_id), event)


def claim(scheduled_id: int, now: datetime | None = None) -> ScheduledMessage | None:
    """Take a due row for this scheduler, or None when it is not due or another one has it."""
    moment = now or utcnow()
    due = (col(ScheduledMessage.state) == ScheduledState.PENDING) & (col(ScheduledMessage.post_at) <= moment)
    abandoned = (col(ScheduledMessage.state) == ScheduledState.SENDING) & (
        col(ScheduledMessage.claimed_at) < moment - STALE_CLAIM
    )
    with unit_of_work() as uow:
        session = uow.session
        won = session.execute(
            update(ScheduledMessage)
            .where(col(ScheduledMessage.id) == scheduled_id, due | abandoned)
            .values(state=ScheduledState.SENDING, claimed_at=moment)
            .execution_options(synchronize_session=False)
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get(ScheduledMessage, scheduled_id)
        if row is None:
            return None
        session.expunge(row)
        return row


def deliver(scheduled_id: int, now: datetime | None = None) -> ScheduledView | None:
    """Claim one row and post it; the row as it ends (sent or failed), or None when it was not ours to send."""
    row = claim(scheduled_id, now)
    if row is None:
        return None
    try:
        with rate_limit.exempt():  # its budget was spent when it was scheduled
            message = send_message(
                row.author_id,
                row.channel_id,
                row.body,
                client_msg_id_for(scheduled_id),
                thread_root_id=row.thread_root_id,
                also_in_channel=row.also_in_channel,
            )
    except ActionError as refused:
        return _finish(scheduled_id, ScheduledState.FAILED, failure=refused.message[:MAX_FAILURE_CHARS])
    except DatabaseUnavailable:
        # Try again on the next tick; if even that fails, the claim goes stale and is taken over (the send is
        # idempotent).
        with contextlib.suppress(DatabaseUnavailable):
            _finish(scheduled_id, ScheduledState.PENDING)
        raise
    return _finish(scheduled_id, ScheduledState.SENT, message_id=message.id)


def _finish(
    scheduled_id: int, state: ScheduledState, *, failure: str = '', message_id: int | None = None
) -> ScheduledView | None:
    with unit_of_work() as uow:
        session = uow.session
        row = session.get(ScheduledMessage, scheduled_id)
        if row is None or row.state != ScheduledState.SENDING:
            return None  # deleted with its channel meanwhile
        row.state = state
        row.failure = failure
        row.message_id = message_id
        row.claimed_at = None
        session.add(row)
        session.flush()
        announce(session, row)
        return scheduled_view(row)


def deliver_due(now: datetime | None = None) -> int:
    """Post every due scheduled message this scheduler can claim; how many it handled (sent or failed)."""
    moment = now or utcnow()
    handled = 0
    for scheduled_id in due_ids(moment, moment - STALE_CLAIM, BATCH):
        try:
            if deliver(scheduled_id, moment) is not None:
                handled += 1
        except DatabaseUnavailable:
            log.warning('scheduled messages: the database is busy; trying again on the next tick')
            break
        except Exception:
            log.exception('posting scheduled message %s failed', scheduled_id)
    return handled


_running = False


def start_delivery() -> None:
    """For the app timer: run `deliver_due` in a worker thread, unless the previous run is still going."""
    global _running
    if _running:
        return
    _running = True
    background_tasks.create(_deliver_in_thread(), name='scheduled messages')


async def _deliver_in_thread() -> None:
    global _running
    try:
        handled = await off_loop(deliver_due)
        if handled:
            log.info('scheduled messages: %d handled', handled)
    finally:
        _running = False
