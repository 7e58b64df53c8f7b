"""The outbox: the events apps may need, written in the same transaction that caused them.

`unit_of_work` calls `stage` just before it commits, so an event an app must get is exactly as durable as the
change it announces (a crash right after the commit loses nothing; a rollback writes nothing). Whether a
workspace has an enabled app with somewhere to send is cached per workspace, so a send in a workspace without
apps costs a dict lookup and no query. Changing apps forgets the entry on this node at once (`forget`, after the
commit) and on every node through `AppsChanged` on `APPS_TOPIC`; the entries also expire after a minute, in case
an announcement between nodes was lost (a pub/sub bus has no replay).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from sqlalchemy import or_
from sqlmodel import Session, col, select

from db.models import App, EventOutbox
from state.app_events.kinds import APP_EVENTS, wanted_events
from state.events import (
    AppsChanged,
    ChannelCreated,
    ChannelUpdated,
    Event,
    MemberJoined,
    MemberLeft,
    MessageCreated,
    MessageDeleted,
    MessageUpdated,
    ReactionChanged,
    UserChanged,
    to_json,
)

log = logging.getLogger(__name__)
APPS_TOPIC = 'cluster:apps'
CACHE_SECONDS = 60.0

_has_apps: dict[int, tuple[bool, float]] = {}  # workspace id -> (has an enabled app, monotonic expiry)
_wakers: list[Callable[[], None]] = []


def stage(session: Session, events: Iterable[tuple[str, Event]]) -> bool:
    """Write the unit's events that some app may hear of; True when it wrote any."""
    seen: set[tuple[int, int]] = set()
    rows: list[EventOutbox] = []
    for topic, event in events:
        if not isinstance(event, APP_EVENTS):
            continue
        workspace_id = _workspace_of(topic, event)
        # One event object goes to several topics (channel, thread, mentions): it is one outbox row.
        if workspace_id is None or (id(event), workspace_id) in seen:
            continue
        seen.add((id(event), workspace_id))
        if not wanted_events(event) or not has_apps(session, workspace_id):
            continue
        rows.append(EventOutbox(workspace_id=workspace_id, event=to_json(event)))
    session.add_all(rows)
    return bool(rows)


def has_apps(session: Session, workspace_id: int) -> bool:
    """Whether the workspace has an enabled app with a destination (cached; asked in the caller's session)."""
    cached = _has_apps.get(workspace_id)
    now = time.monotonic()
    if cached is not None and cached[1] > now:
        return cached[0]
    found = session.exec(
        select(App.id)
        .where(App.workspace_id == workspace_id, col(App.disabled).is_(False))
        .where(or_(col(App.socket_mode).is_(True), col(App.events_url) != ''))
        .limit(1)
    ).first()
    _has_apps[workspace_id] = (found is not None, now + CACHE_SECONDS)
    return found is not None


def forget(workspace_id: int) -> None:
    _has_apps.pop(workspace_id, None)


def forget_all() -> None:
    _has_apps.clear()


def on_apps_changed(event: Event) -> None:
    """Bus subscriber (every node): another node changed a workspace's apps."""
    if isinstance(event, AppsChanged):
        forget(event.workspace_id)


def on_staged(waker: Callable[[], None]) -> None:
    """Call `waker` after every commit that staged events (the delivery worker wakes instead of waiting)."""
    _wakers.append(waker)


def clear_wakers() -> None:
    _wakers.clear()


def wake() -> None:
    for waker in list(_wakers):
        try:
            waker()
        except Exception:  # the commit is done; a failing waker only delays delivery until the next poll
            log.exception('waking the delivery worker failed')


def _workspace_of(topic: str, event: Event) -> int | None:
    if isinstance(event, UserChanged):
        # Published once per workspace of the person (and to their own user topic, which apps do not hear).
        prefix, _, value = topic.partition(':')
        return int(value) if prefix == 'workspace' and value.isdigit() else None
    if isinstance(event, ChannelCreated | ChannelUpdated):
        return event.channel.workspace_id
    if isinstance(
        event, MessageCreated | MessageUpdated | MessageDeleted | ReactionChanged | MemberJoined | MemberLeft
    ):
        return event.workspace_id
    return None
