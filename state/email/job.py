"""The e-mail jobs on the one app timer (state/runtime.py): the digest scan and the queue's sender.

Each runs in a worker thread (database and SMTP block) and at most once at a time per node, so a slow SMTP
server never piles up threads; several nodes may run them together (the cursor and the leases arbitrate).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from nicegui import background_tasks

from settings import Settings
from state.blocking import off_loop
from state.email.digest_scan import scan_digests
from state.email.outbox import flush_outbox, forget_old

log = logging.getLogger(__name__)

SEND_EVERY_SECONDS = 5.0  # invitations go out within seconds; an idle check is one indexed query
_running: set[str] = set()


def scan_every_seconds(settings: Settings) -> float:
    """A quarter of the delay, between 1 s and 30 s: a digest leaves at most that much after it is due."""
    return min(30.0, max(1.0, settings.email_delay_minutes * 60 / 4))


def _once(name: str, work: Callable[[], object]) -> Callable[[], None]:
    async def run() -> None:
        try:
            await off_loop(work)
        except Exception:
            log.exception('e-mail job %s failed', name)
        finally:
            _running.discard(name)

    def start() -> None:
        if name in _running:
            return
        _running.add(name)
        background_tasks.create(run(), name=f'email {name}')

    return start


def jobs(settings: Settings) -> list[tuple[str, float, Callable[[], None]]]:
    """(name, seconds, job) for `runtime.periodic`; none while e-mail is off."""
    if not settings.email_enabled:
        return []
    return [
        ('email-scan', scan_every_seconds(settings), _once('scan', scan_digests)),
        ('email-send', SEND_EVERY_SECONDS, _once('send', flush_outbox)),
        ('email-forget', 3600.0, _once('forget', forget_old)),
    ]
