"""The durable e-mail queue (`outgoing_emails`): queue inside a transaction, claim, send, record the outcome.

Guarantee: a queued e-mail is sent at least once unless the server refuses it for good (5xx) or it is still
unsent after GIVE_UP_AFTER. A sender claims a row with a lease (a compare-and-set UPDATE, so two nodes never
take the same row); it records "sent" right after the server accepted it. Only a crash in between (accepted,
not yet recorded) sends it again, once the lease has run out; the copy carries the same Message-ID.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from db.models import OutgoingEmail, utcnow
from settings import get_settings
from state.email.compose import mime_message
from state.email.smtp import PermanentFailure, SmtpTarget, parse_smtp_url, send_all
from state.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # longer than one batch can take with SMTP timeouts of 30 s
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=3)
BATCH = 20
KEEP_SENT = timedelta(days=7)  # sent and failed rows stay this long as a log, then go


@dataclass(frozen=True)
class Claimed:
    id: int
    to_address: str
    subject: str
    text_body: str
    html_body: str
    created_at: datetime
    attempts: int


@dataclass(frozen=True)
class FlushResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def queue_email(
    session: Session, kind: str, to: str, subject: str, text: str, html: str, *, user_id: int | None = None
) -> OutgoingEmail:
    """Add an e-mail to the queue inside the caller's transaction: it exists exactly when the change does."""
    row = OutgoingEmail(
        kind=kind, user_id=user_id, to_address=to, subject=subject[:250], text_body=text, html_body=html
    )
    session.add(row)
    return row


def claim_due(now: datetime, limit: int = BATCH) -> list[Claimed]:
    """Take up to `limit` due e-mails for this sender until now + LEASE."""
    claimable = or_(col(OutgoingEmail.claimed_until).is_(None), col(OutgoingEmail.claimed_until) < now)
    pending = (col(OutgoingEmail.sent_at).is_(None), col(OutgoingEmail.failed_at).is_(None))
    claimed: list[Claimed] = []
    with unit_of_work() as uow:
        session = uow.session
        rows = session.exec(
            select(OutgoingEmail)
            .where(*pending, col(OutgoingEmail.next_attempt_at) <= now, claimable)
            .order_by(col(OutgoingEmail.id))
            .limit(limit)
        ).all()
        for row in rows:
            taken = session.execute(
                update(OutgoingEmail)
                .where(col(OutgoingEmail.id) == row.id, *pending, claimable)
                .values(claimed_until=now + LEASE, attempts=OutgoingEmail.attempts + 1)
            )
            if taken.rowcount == 1 and row.id is not None:  # type: ignore[attr-defined]
                claimed.append(
                    Claimed(
                        row.id,
                        row.to_address,
                        row.subject,
                        row.text_body,
                        row.html_body,
                        row.created_at,
                        row.attempts + 1,
                    )
                )
    return claimed


def _record(email_id: int, **values: object) -> None:
    with unit_of_work() as uow:
        uow.session.execute(
            update(OutgoingEmail).where(col(OutgoingEmail.id) == email_id).values(claimed_until=None, **values)
        )


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … at most an hour."""
    return min(RETRY_FIRST * 2 ** max(0, attempts - 1), RETRY_MAX)


def flush_outbox(now: datetime | None = None, target: SmtpTarget | None = None) -> FlushResult:
    """Send what is due (blocking: database and SMTP). Run by the app timer in a worker thread."""
    settings = get_settings()
    if not settings.email_enabled or settings.email_from is None or settings.smtp_url is None:
        return FlushResult()
    moment = now or utcnow()
    claimed = claim_due(moment)
    if not claimed:
        return FlushResult()
    target = target or parse_smtp_url(settings.smtp_url)
    sender = settings.email_from
    messages = [
        mime_message(sender, row.to_address, row.subject, row.text_body, row.html_body, row.created_at, f'{row.id}')
        for row in claimed
    ]
    sent = retried = failed = 0
    for row, outcome in zip(claimed, send_all(target, messages), strict=True):
        done = utcnow()
        if outcome is None:
            _record(row.id, sent_at=done, last_error='')
            sent += 1
        elif isinstance(outcome, PermanentFailure) or done - row.created_at > GIVE_UP_AFTER:
            log.warning('e-mail %s to %s given up: %s', row.id, row.to_address, outcome)
            _record(row.id, failed_at=done, last_error=str(outcome)[:500])
            failed += 1
        else:
            log.info('e-mail %s not sent yet (attempt %s): %s', row.id, row.attempts, outcome)
            _record(row.id, next_attempt_at=moment + retry_delay(row.attempts), last_error=str(outcome)[:500])
            retried += 1
    return FlushResult(sent, retried, failed)


def forget_old(now: datetime | None = None) -> None:
    """Sent and failed e-mails are kept a week as a log, then deleted."""
    cutoff = (now or utcnow()) - KEEP_SENT
    with unit_of_work() as uow:
        old = uow.session.exec(
            select(OutgoingEmail)
            .where(or_(col(OutgoingEmail.sent_at) < cutoff, col(OutgoingEmail.failed_at) < cutoff))
            .limit(1000)
        ).all()
        for row in old:
            uow.session.delete(row)
