"""The Web API's reads of files: one sent file someone may read, and keyset pages of them (newest first).

Only files sent with a message count (a pending upload is its uploader's alone, and not a Slack file yet);
who may read them is the channel read rule of `db/authz.py`, in the token's workspace.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import col, select

from db.authz import readable_in_session, readable_in_workspace
from db.engine import read_session
from db.models import Attachment, Channel
from db.paging import Page, page_of


@dataclass(frozen=True)
class SharedFile:
    attachment: Attachment
    channel: Channel


def readable_file(reader_id: int, workspace_id: int, public_id: str) -> SharedFile | None:
    """The sent file when the reader may read its conversation in this workspace; None for anything else."""
    with read_session() as session:
        row = session.exec(select(Attachment).where(Attachment.public_id == public_id)).first()
        if row is None or row.message_id is None:
            return None
        readable = readable_in_session(session, reader_id, row.channel_id)
    if readable is None or readable[0].workspace_id != workspace_id:
        return None
    return SharedFile(row, readable[0])


def files_page(
    reader_id: int,
    workspace_id: int,
    *,
    channel_id: int | None,
    uploader_id: int | None,
    mimes: Collection[str] | None,
    image_only: bool,
    before_id: int | None,
    limit: int,
) -> Page[SharedFile]:
    """Sent files of the readable conversations, newest first; `before_id` continues a page."""
    query = (
        select(Attachment, Channel)
        .join(Channel, col(Channel.id) == Attachment.channel_id)
        .where(readable_in_workspace(reader_id, workspace_id), col(Attachment.message_id).is_not(None))
    )
    if channel_id is not None:
        query = query.where(col(Attachment.channel_id) == channel_id)
    if uploader_id is not None:
        query = query.where(col(Attachment.uploader_id) == uploader_id)
    if image_only:
        query = query.where(col(Attachment.mime).startswith('image/'))
    elif mimes is not None:
        query = query.where(col(Attachment.mime).in_(list(mimes)))
    if before_id is not None:
        query = query.where(col(Attachment.id) < before_id)
    with read_session() as session:
        rows = session.exec(query.order_by(col(Attachment.id).desc()).limit(limit + 1)).all()
    files = [SharedFile(attachment, channel) for attachment, channel in rows]
    return page_of(files, limit, lambda shared: shared.attachment.id or 0)
