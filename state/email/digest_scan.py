"""The digest scan: decide once about each message that has waited the delay, and queue one e-mail per person.

The scan walks messages in id order behind one cursor (`email_scan_cursor`). A message is decided when it is
older than `CHAT_EMAIL_DELAY_MINUTES`: whoever it concerns (mentioned, DM, followed thread) and has still not
read it and is offline at that moment is owed it; someone with a tab open is not (they had the live
notification). The scan moves the cursor with a compare-and-set UPDATE and queues the digests in the same
transaction, so with several nodes exactly one scan decides each window, and a crash decides all or nothing.
Nothing is written on the send path: the send stays as fast as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from db.digest_queries import OwedMessage, newest_message_id, owed_messages, window_ids
from db.models import EmailScanCursor, utcnow
from settings import get_settings
from state.email.compose import digest
from state.email.outbox import queue_email
from state.stores import presence
from state.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

WINDOW = 5000  # messages decided per scan at most; a longer backlog takes the next scans
MAX_LATE = timedelta(days=1)  # never an e-mail about a message older than this (e-mail was off, a long outage)


def _offline(user_id: int) -> bool:
    return presence.status_of(user_id) == presence.OFFLINE  # merged over every node when there are several


def scan_digests(now: datetime | None = None, is_offline: Callable[[int], bool] = _offline) -> int:
    """Decide about the messages that have waited the delay; returns how many digests were queued.

    Blocking; the app timer runs it in a worker thread.
    """
    settings = get_settings()
    moment = now or utcnow()
    cutoff = moment - timedelta(minutes=settings.email_delay_minutes)
    try:
        with unit_of_work() as uow:
            session = uow.session
            cursor = session.get(EmailScanCursor, 1)
            if cursor is None:  # the first scan ever starts now: no e-mails about history
                session.add(EmailScanCursor(id=1, through_message_id=newest_message_id(session, cutoff)))
                return 0
            lo = cursor.through_message_id
            hi = lo
            for message_id, created_at in window_ids(session, lo, WINDOW):
                if created_at > cutoff:
                    break
                hi = message_id
            if hi == lo:
                return 0
            claimed = session.execute(
                update(EmailScanCursor)
                .where(col(EmailScanCursor.id) == 1, col(EmailScanCursor.through_message_id) == lo)
                .values(through_message_id=hi)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]  # another node decided this window
                return 0
            per_user: dict[int, list[OwedMessage]] = {}
            for item in owed_messages(session, lo, hi, since=moment - MAX_LATE):
                per_user.setdefault(item.user_id, []).append(item)
            queued = 0
            for user_id, items in per_user.items():
                if not is_offline(user_id):
                    continue
                content = digest(items, settings.resolved_public_url)
                queue_email(
                    session, 'digest', items[0].user_email, content.subject, content.text, content.html, user_id=user_id
                )
                queued += 1
    except IntegrityError:  # two nodes created the cursor at once; the other one's row stands
        return 0
    if queued:
        log.info('e-mail digests queued: %s (messages %s..%s)', queued, lo + 1, hi)
    return queued
