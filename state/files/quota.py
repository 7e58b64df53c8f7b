"""The per-person quota on pending uploads: bytes uploaded but not yet sent with a message.

Each pending `Attachment` row counts its stored size (for an image, the cleaned copy), even when other rows
share the same bytes on disk. A row stops counting when it is sent (`message_id` set) or removed (discarded by
its uploader, or swept by the periodic clean-up after 24 hours). The limit is `CHAT_MAX_PENDING_UPLOAD_BYTES`.
This module reads the database through the session it is handed and never opens one itself.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Attachment, User
from settings import get_settings
from state.files.errors import UploadQuotaExceeded
from state.files.storage import format_size


def pending_bytes(session: Session, user_id: int) -> int:
    """What the person has uploaded and not yet sent, in bytes."""
    total = session.exec(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.uploader_id == user_id, col(Attachment.message_id).is_(None)
        )
    ).one()
    return int(total)


def check(session: Session, user_id: int, incoming_bytes: int) -> None:
    """Raise `UploadQuotaExceeded` when `incoming_bytes` more would take the person past the limit."""
    limit = get_settings().max_pending_upload_bytes
    pending = pending_bytes(session, user_id)
    if pending + incoming_bytes > limit:
        raise UploadQuotaExceeded(refusal_message(pending, limit))


def lock_uploader(session: Session, user_id: int) -> None:
    """Serialise one person's quota check and insert across nodes (PostgreSQL; SQLite serialises writers).

    FOR NO KEY UPDATE, not FOR UPDATE: it must not wait for (or block) the key-share locks that inserting a
    message or an attachment takes on the person's row, which a send holding its channel lock also needs.
    """
    session.exec(select(User.id).where(User.id == user_id).with_for_update(key_share=True))


def refusal_message(pending: int, limit: int) -> str:
    return (
        f'You have too many files waiting to be sent ({format_size(pending)} uploaded and not yet sent; at most '
        f'{format_size(limit)} may wait). Send or remove some of them first.'
    )
