"""The periodic clean-up of uploads: pending uploads never sent, bytes no row uses, staging files of a crash."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from nicegui import background_tasks, run
from sqlmodel import col, select

from db.models import Attachment, utcnow
from state.actions.api_uploads import expire_upload_slots
from state.actions.file_release import delete_unreferenced_files
from state.files import storage
from state.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

PENDING_MAX_AGE = timedelta(hours=24)
ORPHAN_MIN_AGE_SECONDS = 6 * 3600.0  # bytes on disk without a row, older than any upload still in flight


@dataclass(frozen=True)
class CleanupResult:
    pending_removed: int
    files_removed: int
    staging_removed: int


def cleanup_uploads(
    now: datetime | None = None, pending_max_age: timedelta = PENDING_MAX_AGE, batch: int = 1000
) -> CleanupResult:
    """The periodic job: pending uploads never sent, bytes no row uses, and staging files left by a crash.

    Blocking (file system walk); the app timer runs it in a thread, e.g. hourly.
    """
    cutoff = (now or utcnow()) - pending_max_age
    with unit_of_work() as uow:
        rows = uow.session.exec(
            select(Attachment)
            .where(col(Attachment.message_id).is_(None), col(Attachment.created_at) < cutoff)
            .limit(batch)
        ).all()
        hashes = {row.sha256 for row in rows}
        for row in rows:
            uow.session.delete(row)
    files_removed = delete_unreferenced_files(hashes)  # after the commit; the count goes into the result
    files_removed += _sweep_orphans(batch)
    expire_upload_slots(now, batch)  # Web API upload URLs past their time, and the bytes they received
    staging_removed = storage.remove_stale_staging(ORPHAN_MIN_AGE_SECONDS)
    return CleanupResult(len(rows), files_removed, staging_removed)


def start_cleanup() -> None:
    """For the app timer (state/runtime.py): run `cleanup_uploads` in a worker thread, off the event loop."""
    background_tasks.create(_cleanup_in_thread(), name='uploads cleanup')


async def _cleanup_in_thread() -> None:
    result = await run.io_bound(cleanup_uploads)
    if result is not None and (result.pending_removed or result.files_removed or result.staging_removed):
        log.info('uploads cleanup: %s', result)


def _sweep_orphans(batch: int) -> int:
    """Bytes on disk without any row (a crash between placing and committing, or a cascaded delete)."""
    removed = 0
    candidates: list[str] = []
    for sha256 in storage.stored_hashes(ORPHAN_MIN_AGE_SECONDS):
        candidates.append(sha256)
        if len(candidates) >= batch:
            removed += delete_unreferenced_files(candidates)
            candidates = []
    return removed + delete_unreferenced_files(candidates)
