"""Read queries for scheduled messages: a person's own list (the composer's line, the Web API) and what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import col, func, select

from db.engine import read_session
from db.models import Channel, ScheduledMessage, ScheduledState


@dataclass(frozen=True)
class ScheduledView:
    id: int
    workspace_id: int
    channel_id: int
    author_id: int
    body: str
    thread_root_id: int | None
    also_in_channel: bool
    post_at: datetime
    created_at: datetime
    state: str
    failure: str
    message_id: int | None


def scheduled_view(row: ScheduledMessage) -> ScheduledView:
    return ScheduledView(
        id=row.id or 0,
        workspace_id=row.workspace_id,
        channel_id=row.channel_id,
        author_id=row.author_id,
        body=row.body,
        thread_root_id=row.thread_root_id,
        also_in_channel=row.also_in_channel,
        post_at=row.post_at,
        created_at=row.created_at,
        state=str(row.state),
        failure=row.failure,
        message_id=row.message_id,
    )


# Still the author's business: waiting (or being sent right now) and failed ones (shown until dismissed).
OPEN_STATES = (ScheduledState.PENDING, ScheduledState.SENDING, ScheduledState.FAILED)
WAITING_STATES = (ScheduledState.PENDING, ScheduledState.SENDING)


def own_scheduled(
    author_id: int,
    workspace_id: int,
    channel_id: int | None = None,
    *,
    states: tuple[ScheduledState, ...] = OPEN_STATES,
    after: tuple[datetime, int] | None = None,
    oldest: datetime | None = None,
    latest: datetime | None = None,
    limit: int = 200,
) -> list[ScheduledView]:
    """The author's scheduled messages in order of `post_at` (then id), from the keyset position `after`."""
    query = select(ScheduledMessage).where(
        ScheduledMessage.author_id == author_id,
        ScheduledMessage.workspace_id == workspace_id,
        col(ScheduledMessage.state).in_([str(state) for state in states]),
    )
    if channel_id is not None:
        query = query.where(ScheduledMessage.channel_id == channel_id)
    if oldest is not None:
        query = query.where(ScheduledMessage.post_at >= oldest)
    if latest is not None:
        query = query.where(ScheduledMessage.post_at <= latest)
    if after is not None:
        at, last_id = after
        query = query.where(
            or_(
                col(ScheduledMessage.post_at) > at,
                (col(ScheduledMessage.post_at) == at) & (col(ScheduledMessage.id) > last_id),
            )
        )
    query = query.order_by(col(ScheduledMessage.post_at), col(ScheduledMessage.id)).limit(limit)
    with read_session() as session:
        return [scheduled_view(row) for row in session.exec(query).all()]


def own_scheduled_one(author_id: int, scheduled_id: int) -> ScheduledView | None:
    with read_session() as session:
        row = session.get(ScheduledMessage, scheduled_id)
        return scheduled_view(row) if row is not None and row.author_id == author_id else None


def count_open(author_id: int, workspace_id: int) -> int:
    """How many scheduled messages the author has waiting or failed in the workspace (the cap counts them)."""
    with read_session() as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(ScheduledMessage)
                .where(
                    ScheduledMessage.author_id == author_id,
                    ScheduledMessage.workspace_id == workspace_id,
                    col(ScheduledMessage.state).in_([str(state) for state in OPEN_STATES]),
                )
            ).one()
        )


def due_ids(now: datetime, stale_claims_before: datetime, limit: int) -> list[int]:
    """Pending rows whose time has come, and rows a scheduler claimed so long ago that its node must be gone."""
    query = (
        select(ScheduledMessage.id)
        .where(
            or_(
                (col(ScheduledMessage.state) == ScheduledState.PENDING) & (col(ScheduledMessage.post_at) <= now),
                (col(ScheduledMessage.state) == ScheduledState.SENDING)
                & (col(ScheduledMessage.claimed_at) < stale_claims_before),
            )
        )
        .order_by(col(ScheduledMessage.post_at), col(ScheduledMessage.id))
        .limit(limit)
    )
    with read_session() as session:
        return [int(value) for value in session.exec(query).all() if value is not None]


def channel_kinds(channel_ids: set[int]) -> dict[int, str]:
    """The kind of each channel (for the Web API's `C`/`G`/`D` ids), in one query."""
    if not channel_ids:
        return {}
    with read_session() as session:
        rows = session.exec(select(Channel.id, Channel.kind).where(col(Channel.id).in_(sorted(channel_ids)))).all()
        return {int(channel_id or 0): str(kind) for channel_id, kind in rows}
