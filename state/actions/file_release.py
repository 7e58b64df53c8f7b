"""Letting stored bytes go: the files of a deleted message, and bytes that no attachment row uses any more."""

from __future__ import annotations

import logging
from collections.abc import Collection

from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import Attachment
from state.files import storage
from state.unit_of_work import unit_of_work_of

log = logging.getLogger(__name__)


def release_for_message(session: Session, message_id: int) -> None:
    """Delete the attachments of a message being deleted, inside the caller's unit of work.

    The stored bytes go after that transaction commits, and only those no other row still uses; on a
    rollback nothing is deleted. `session` must come from `state.unit_of_work.unit_of_work()`.
    """
    uow = unit_of_work_of(session)
    rows = session.exec(select(Attachment).where(Attachment.message_id == message_id)).all()
    if not rows:
        return
    for row in rows:
        session.delete(row)
    session.flush()
    hashes = {row.sha256 for row in rows}
    uow.after_commit(lambda: _delete_released(hashes))


def _delete_released(hashes: set[str]) -> None:
    try:
        delete_unreferenced_files(hashes)
    except Exception:  # the message is deleted either way; leftover bytes are swept by cleanup_uploads
        log.exception('deleting files of a deleted message failed')


def delete_unreferenced_files(hashes: Collection[str]) -> int:
    """Delete stored bytes (and thumbnails) that no attachment row uses any more. Returns how many went."""
    if not hashes:
        return 0
    with storage.LOCK:
        with read_session() as session:
            used = set(session.exec(select(Attachment.sha256).where(col(Attachment.sha256).in_(hashes))).all())
        unused = set(hashes) - used
        for sha256 in unused:
            storage.remove_blob(sha256)
    return len(unused)
