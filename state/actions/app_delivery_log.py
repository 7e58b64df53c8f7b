"""The delivery log of one app (the apps dialog): its newest deliveries and how each went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from db.engine import read_session
from db.models import AppDelivery
from state.actions.apps import app_for_admin

LOG_LENGTH = 50


@dataclass(frozen=True)
class DeliveryLogEntry:
    created_at: datetime
    event_type: str
    status: str
    attempts: int
    last_error: str


def app_delivery_log(actor_id: int, app_id: int, limit: int = LOG_LENGTH) -> list[DeliveryLogEntry]:
    """The app's newest deliveries, newest first (owners and admins of its workspace)."""
    with read_session() as session:
        app_for_admin(session, actor_id, app_id)
        rows = session.exec(
            select(AppDelivery)
            .where(AppDelivery.app_id == app_id)
            .order_by(col(AppDelivery.id).desc())
            .limit(min(max(limit, 1), LOG_LENGTH))
        ).all()
        return [DeliveryLogEntry(r.created_at, r.event_type, r.status, r.attempts, r.last_error) for r in rows]
