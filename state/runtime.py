"""Start and stop the live parts of a server process: the bus backend, the stores and the one app timer.

There is exactly one periodic timer in the process (rule 7: no per-tab timers). It expires typing
indicators and idle presence every second and runs the slower housekeeping jobs registered with `periodic`
(among them freezing the long-lived heap, see state/heap.py).

With `CHAT_REDIS_URL` set the bus runs on Redis (state/bus_redis.py) and the presence store joins the other
nodes (state/stores/presence_cluster.py); without it nothing of that exists and one node serves alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from nicegui import app
from nicegui.timer import Timer

from db.errors import DatabaseUnavailable
from hardening import socket_events
from settings import Settings
from state import error_log, heap, inspector
from state.app_events import outbox
from state.bus import bus
from state.bus_redis import RedisBackend
from state.email.job import jobs as email_jobs
from state.stores import presence, roster, sidebar, typing
from state.stores.connections import registry

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0


@dataclass
class _Job:
    name: str
    every: float
    run: Callable[[], object]
    due: float = 0.0


_jobs: list[_Job] = []
_timer: Timer | None = None


def periodic(name: str, every_seconds: float, job: Callable[[], object]) -> None:
    """Run `job` on the app timer about every `every_seconds` (housekeeping: expiring statuses, old uploads)."""
    _jobs.append(_Job(name, every_seconds, job, time.monotonic() + every_seconds))


def tick(now: float | None = None) -> None:
    """One beat of the app timer; `now` (monotonic seconds) lets tests drive the slower jobs."""
    for name, step in (('presence', presence.store.tick), ('typing', typing.store.tick)):
        try:
            step()
        except Exception:
            log.exception('%s tick failed', name)
    moment = time.monotonic() if now is None else now
    for job in _jobs:
        if moment < job.due:
            continue
        job.due = moment + job.every
        try:
            job.run()
        except DatabaseUnavailable:  # busy or down: the job runs again at its next turn, nothing is lost
            log.warning('periodic job %s: the database is unavailable; trying again later', job.name)
        except Exception:
            log.exception('periodic job %s failed', job.name)


def _expire_statuses() -> None:
    from state.actions.profile import expire_statuses

    expire_statuses()


def _end_expired_sessions() -> None:
    from state.actions.accounts import end_expired_sessions
    from state.web_session import forget_ended_browsers

    end_expired_sessions()
    # Their browsers' user storage goes too (files and memory); every minute, not only when this node ended some:
    # with several nodes another node may have ended them, or a browser of this node logged out elsewhere.
    forget_ended_browsers()


def _forget_ended_browsers() -> None:
    """Once at start: storage of sessions that ended while the server was down, and raw tokens an older
    version left in storage files (their sessions end now)."""
    from state.web_session import forget_ended_browsers

    try:
        forget_ended_browsers()
    except Exception:
        log.exception('removing the storage of ended sessions failed')


def _deliver_scheduled() -> None:
    from state.actions.scheduled_delivery import start_delivery

    start_delivery()  # due scheduled messages; runs in a worker thread


def _clean_uploads() -> None:
    from state.actions.upload_cleanup import start_cleanup

    start_cleanup()  # pending uploads never sent, unused bytes, crash leftovers; runs in a worker thread


def _watch_connections() -> None:
    """The live inspector's sources: browser events per tab (and their log context) and the last errors."""
    socket_events.on_client_event(registry.touched)
    socket_events.client_context(registry.context_of)
    error_log.install()


async def start(settings: Settings) -> None:
    global _timer
    if settings.redis_url:
        backend = RedisBackend(settings.redis_url)
        log.info('bus: Redis, node %s', backend.node_id)
        await bus.start(backend)
        presence.store.join_cluster(backend.node_id)
    else:
        await bus.start()
    _forget_ended_browsers()
    _watch_connections()
    bus.subscribe(outbox.APPS_TOPIC, outbox.on_apps_changed, detached=True)
    if not any(job.name == 'statuses' for job in _jobs):
        periodic('statuses', 60.0, _expire_statuses)
        periodic('sessions', 60.0, _end_expired_sessions)
    if not any(job.name == 'scheduled' for job in _jobs):
        periodic('scheduled', settings.scheduler_interval_seconds, _deliver_scheduled)
    _deliver_scheduled()  # what fell due while the server was down goes out now, not a tick later
    if not any(job.name == 'uploads' for job in _jobs):
        periodic('uploads', 3600.0, _clean_uploads)
    for name, every, job in email_jobs(settings):
        if not any(existing.name == name for existing in _jobs):
            periodic(name, every, job)
    if not settings.email_enabled and (settings.smtp_url or settings.email_from):
        log.warning('e-mail is off: it needs both CHAT_SMTP_URL and CHAT_EMAIL_FROM')
    if not any(job.name == 'heap-freeze' for job in _jobs):
        periodic('heap-freeze', heap.FREEZE_EVERY_SECONDS, heap.freeze_survivors)
        periodic('heap-sweep', heap.SWEEP_EVERY_SECONDS, heap.sweep)
    if not any(job.name == 'inspector' for job in _jobs):
        periodic('inspector', inspector.PUSH_EVERY_SECONDS, inspector.feed.start_push)
    _timer = app.timer(TICK_SECONDS, tick)


async def stop() -> None:
    global _timer
    if _timer is not None:
        _timer.cancel()
        _timer = None
    sidebar.drop_all()
    roster.drop_all()
    presence.store.leave_cluster()  # the other nodes forget this one's tabs now, not after the node TTL
    await bus.stop()
