"""The Events API's queue: outbox rows fan out into per-app deliveries, which workers claim, send and record.

Every step is safe with several workers on one PostgreSQL (or SQLite): fanning out flips `fanned_out` with one
conditional UPDATE in the transaction that inserts the deliveries, so exactly one worker's insert commits; a
claim is one conditional UPDATE that leases due rows to a random token, and only the holder of the token may
record the outcome. A worker that dies mid-send leaves a lease that runs out, and the next claim sends again.
Retries follow Slack: nearly at once, after about a minute, after about five minutes; then the delivery fails.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, update
from sqlmodel import col, select

from db.models import App, AppDelivery, ChannelMember, DeliveryStatus, EventOutbox, utcnow
from state.actions.guards import require_id
from state.app_events.kinds import may_hear, wanted_events
from state.events import from_json
from state.unit_of_work import unit_of_work

RETRY_DELAYS = (timedelta(0), timedelta(minutes=1), timedelta(minutes=5))  # after attempts 1, 2, 3
LEASE = timedelta(seconds=30)  # longer than a send (3 s timeout) with room for a slow database
KEEP_FOR = timedelta(days=3)  # the delivery log's memory
FAN_OUT_BATCH = 200


@dataclass(frozen=True)
class Claim:
    """One delivery leased to this worker: what to send and where."""

    delivery_id: int
    lease_token: str
    attempt: int  # 1 for the first send
    retry_reason: str  # why the previous attempt failed ('' on the first)
    event_type: str
    event_json: str  # the internal event (state/events.py)
    event_time: datetime
    workspace_id: int
    app_id: int
    bot_user_id: int
    signing_secret: str
    events_url: str
    socket_mode: bool


def fan_out(limit: int = FAN_OUT_BATCH, now: datetime | None = None) -> int:
    """Turn the oldest outbox rows into deliveries for the apps that may hear of them; how many rows it took."""
    moment = now or utcnow()
    with unit_of_work() as uow:
        session = uow.session
        pending = select(EventOutbox.id).where(col(EventOutbox.fanned_out).is_(False))
        candidates = list(session.exec(pending.order_by(col(EventOutbox.id)).limit(limit)).all())
        if not candidates:
            return 0
        taken = session.execute(
            update(EventOutbox)
            .where(col(EventOutbox.id).in_(candidates), col(EventOutbox.fanned_out).is_(False))
            .values(fanned_out=True)
            .returning(col(EventOutbox.id))
        )
        ids = [row[0] for row in taken]
        if not ids:
            return 0  # another worker took them
        rows = session.exec(select(EventOutbox).where(col(EventOutbox.id).in_(ids))).all()
        workspaces = {row.workspace_id for row in rows}
        apps = session.exec(
            select(App).where(
                col(App.workspace_id).in_(workspaces),
                col(App.disabled).is_(False),
                or_(col(App.socket_mode).is_(True), col(App.events_url) != ''),
            )
        ).all()
        bots = {app.bot_user_id for app in apps}
        memberships: dict[int, set[int]] = {bot: set() for bot in bots}
        if bots:
            for channel_id, user_id in session.exec(
                select(ChannelMember.channel_id, ChannelMember.user_id).where(col(ChannelMember.user_id).in_(bots))
            ).all():
                memberships[user_id].add(channel_id)
        for row in rows:
            event = from_json(row.event)
            for wanted in wanted_events(event):
                for app in apps:
                    subscribed = wanted.event_type in app.event_types.split(',')
                    if app.workspace_id != row.workspace_id or not subscribed:
                        continue
                    if may_hear(wanted, app.bot_user_id, memberships.get(app.bot_user_id, set())):
                        delivery = AppDelivery(
                            app_id=require_id(app.id),
                            outbox_id=require_id(row.id),
                            event_type=wanted.event_type,
                            next_attempt_at=moment,
                            created_at=moment,
                        )
                        session.add(delivery)
        return len(ids)


def claim_due(socket_app_ids: Collection[int] = (), limit: int = 20, now: datetime | None = None) -> list[Claim]:
    """Lease up to `limit` due deliveries: HTTP apps', and Socket Mode apps' only when connected to this node."""
    moment = now or utcnow()
    due = or_(
        and_(col(AppDelivery.status) == DeliveryStatus.PENDING, col(AppDelivery.next_attempt_at) <= moment),
        and_(col(AppDelivery.status) == DeliveryStatus.SENDING, col(AppDelivery.lease_until) < moment),
    )
    reachable = or_(
        and_(col(App.socket_mode).is_(False), col(App.events_url) != ''),
        col(App.id).in_(list(socket_app_ids)),
    )
    token = secrets.token_hex(16)
    with unit_of_work() as uow:
        session = uow.session
        candidates = session.exec(
            select(AppDelivery.id)
            .join(App, col(App.id) == AppDelivery.app_id)
            .where(due, col(App.disabled).is_(False), reachable)
            .order_by(col(AppDelivery.id))
            .limit(limit)
        ).all()
        if not candidates:
            return []
        # The WHERE is asked again by the UPDATE itself: a row another worker leased meanwhile is not due any more.
        session.execute(
            update(AppDelivery)
            .where(col(AppDelivery.id).in_(candidates), due)
            .values(
                status=DeliveryStatus.SENDING,
                lease_until=moment + LEASE,
                lease_token=token,
                attempts=AppDelivery.attempts + 1,
            )
        )
        rows = session.exec(
            select(AppDelivery, EventOutbox, App)
            .join(EventOutbox, col(EventOutbox.id) == AppDelivery.outbox_id)
            .join(App, col(App.id) == AppDelivery.app_id)
            .where(col(AppDelivery.lease_token) == token)
            .order_by(col(AppDelivery.id))
        ).all()
        return [
            Claim(
                delivery_id=require_id(delivery.id),
                lease_token=token,
                attempt=delivery.attempts,
                retry_reason=delivery.retry_reason or ('http_timeout' if delivery.attempts > 1 else ''),
                event_type=delivery.event_type,
                event_json=outbox.event,
                event_time=outbox.created_at,
                workspace_id=outbox.workspace_id,
                app_id=require_id(app.id),
                bot_user_id=app.bot_user_id,
                signing_secret=app.signing_secret,
                events_url=app.events_url,
                socket_mode=app.socket_mode,
            )
            for delivery, outbox, app in rows
        ]


def record_attempt(claim: Claim, *, ok: bool, reason: str = '', error: str = '', now: datetime | None = None) -> bool:
    """Record how a send went; False when the lease had already passed to another worker (nothing written)."""
    moment = now or utcnow()
    values: dict[str, object] = {'lease_until': None, 'lease_token': None}
    if ok:
        values |= {'status': DeliveryStatus.DELIVERED, 'finished_at': moment, 'last_error': ''}
    elif claim.attempt <= len(RETRY_DELAYS):
        values |= {
            'status': DeliveryStatus.PENDING,
            'next_attempt_at': moment + RETRY_DELAYS[claim.attempt - 1],
            'last_error': error[:200],
            'retry_reason': reason,
        }
    else:
        values |= {'status': DeliveryStatus.FAILED, 'finished_at': moment, 'last_error': error[:200]}
    with unit_of_work() as uow:
        result = uow.session.execute(
            update(AppDelivery)
            .where(col(AppDelivery.id) == claim.delivery_id, col(AppDelivery.lease_token) == claim.lease_token)
            .values(**values)
        )
        return bool(getattr(result, 'rowcount', 0))


def prune(now: datetime | None = None, keep_for: timedelta = KEEP_FOR) -> int:
    """Forget outbox rows (and their deliveries) older than `keep_for`; how many rows went."""
    cutoff = (now or utcnow()) - keep_for
    with unit_of_work() as uow:
        session = uow.session
        old: Sequence[int | None] = session.exec(select(EventOutbox.id).where(EventOutbox.created_at < cutoff)).all()
        if not old:
            return 0
        session.execute(delete(AppDelivery).where(col(AppDelivery.outbox_id).in_(old)))
        session.execute(delete(EventOutbox).where(col(EventOutbox.id).in_(old)))
        return len(old)
