"""A person did something in a tab: keep their presence "online" and remember when they were last active."""

from __future__ import annotations

import time

from db.models import User, utcnow
from state.stores import presence
from state.unit_of_work import unit_of_work

LAST_ACTIVE_WRITE_EVERY = 60.0  # seconds; "last active 3 min ago" needs no finer grain than this

_last_written: dict[int, float] = {}


def note_activity(actor_id: int, *, now: float | None = None) -> None:
    """Tell the presence store, and store `last_active_at` at most once a minute per person."""
    presence.activity(actor_id)
    moment = time.monotonic() if now is None else now
    if moment - _last_written.get(actor_id, -LAST_ACTIVE_WRITE_EVERY) < LAST_ACTIVE_WRITE_EVERY:
        return
    _last_written[actor_id] = moment
    with unit_of_work() as uow:
        session = uow.session
        user = session.get(User, actor_id)
        if user is not None:
            user.last_active_at = utcnow()
            session.add(user)


def forget() -> None:
    """Tests start from a clean slate."""
    _last_written.clear()
