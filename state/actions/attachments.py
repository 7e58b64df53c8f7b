"""File attachments: store an upload, release files of a deleted message, clean up, authorize downloads.

An upload becomes an `Attachment` row with `message_id` None (pending). `state.actions.messages.send_message`
links pending rows to the message by their public ids. Deleting the message calls `release_for_message`,
which deletes its rows and, after the commit, the stored bytes that no other row uses. Pending uploads that
never got sent are removed by `cleanup_uploads` (the app timer's job).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from nicegui import background_tasks, run
from sqlalchemy import event
from sqlmodel import Session, col, select

from db.engine import read_session, session_scope
from db.models import Attachment, Channel, ChannelKind, ChannelMember, Workspace, WorkspaceMember, WorkspaceRole, utcnow
from db.queries import attachment_view
from settings import get_settings
from state.actions.guards import active_user
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import AttachmentView
from state.files import policy, storage
from state.files.detect import detect_type
from state.files.errors import EmptyFile, FileTooLarge, UnsupportedFileType
from state.files.images import clean_image
from state.files.names import extension_of, has_executable_extension, sanitize_filename
from state.files.storage import StagedFile
from state.rate_limit import limiter

log = logging.getLogger(__name__)

PENDING_MAX_AGE = timedelta(hours=24)
ORPHAN_MIN_AGE_SECONDS = 6 * 3600.0  # bytes on disk without a row, older than any upload still in flight
_RELEASE_KEY = 'attachments.release_hashes'

Source = StagedFile | Path | BinaryIO | Iterable[bytes]


# ---- upload ---------------------------------------------------------------------------------------------


def authorize_upload(actor_id: int, channel_id: int) -> None:
    """The checks `store_upload` makes, run before the HTTP route accepts a body (saves receiving 25 MB)."""
    with read_session() as session:
        _writable_channel(session, actor_id, channel_id)


def store_upload(
    actor_id: int, channel_id: int, filename: str, source: Source, declared_type: str | None = None
) -> AttachmentView:
    """Store a file for a message the actor is about to send in the channel; returns the pending attachment.

    `source` is a `StagedFile` (the upload route's; taken over and removed), a path (copied), a binary file
    object or an iterable of byte chunks. The type comes from the content; `declared_type` (the browser's
    claim) only picks between text flavours. Blocking work (hashing, decoding images): call from a thread.
    """
    limit = get_settings().max_upload_bytes
    staging: list[StagedFile] = [source] if isinstance(source, StagedFile) else []
    try:  # every staging file, the caller's included, is gone when this returns or raises
        name = sanitize_filename(filename)
        if has_executable_extension(name):
            raise UnsupportedFileType(
                f'"{name}" has the extension .{extension_of(name)}, which runs as a program; programs and '
                'scripts cannot be shared.'
            )
        authorize_upload(actor_id, channel_id)
        limiter.take('upload', actor_id)
        content = _stage(source, limit)
        staging.append(content)
        if content.size == 0:
            raise EmptyFile('The file is empty.')
        if content.size > limit:
            raise FileTooLarge(storage.limit_message(limit))
        mime = _allowed_type(channel_id, content.path, name, declared_type)
        thumb: StagedFile | None = None
        width = height = None
        if mime in policy.IMAGE_TYPES:
            cleaned = clean_image(content.path, mime)
            content = storage.stage_bytes(cleaned.data)
            staging.append(content)
            thumb = storage.stage_bytes(cleaned.thumbnail)
            staging.append(thumb)
            width, height = cleaned.width, cleaned.height
        row = Attachment(
            public_id=secrets.token_urlsafe(16),
            channel_id=channel_id,
            uploader_id=actor_id,
            sha256=content.sha256,
            name=name,
            size=content.size,
            mime=mime,
            width=width,
            height=height,
            has_thumbnail=thumb is not None,
        )
        _persist(actor_id, row, content, thumb)
        return attachment_view(row)
    finally:
        for staged in staging:
            staged.discard()


def _stage(source: Source, limit: int) -> StagedFile:
    if isinstance(source, StagedFile):
        return source
    if isinstance(source, Path):
        with source.open('rb') as file:
            return storage.stage_stream(file, limit)
    return storage.stage_stream(source, limit)


def _allowed_type(channel_id: int, path: Path, name: str, declared_type: str | None) -> str:
    detected = detect_type(path, name)
    if detected.is_executable:
        raise UnsupportedFileType(f'This file is {detected.description}; programs and scripts cannot be shared.')
    mime = detected.mime
    claimed = (declared_type or '').split(';', 1)[0].strip().lower()  # "text/csv; charset=utf-8"
    if mime == 'text/plain' and claimed in policy.TEXT_TYPES:
        mime = claimed
    with read_session() as session:
        extra_types = _extra_types(session, channel_id)
    if not policy.is_allowed(mime, extra_types):
        raise UnsupportedFileType(
            f'This file is {detected.description} ({mime}), a type this workspace does not accept. '
            'Images, PDF, text, office documents and zip, gzip or tar archives are accepted.'
        )
    return mime


def _persist(actor_id: int, row: Attachment, staged: StagedFile, thumb: StagedFile | None) -> None:
    """Place the bytes and commit the row under the storage lock (see state/files/storage.py)."""
    blob = storage.blob_path(row.sha256)
    with storage.LOCK:
        placed = storage.place(staged, blob)
        if thumb is not None:
            storage.place(thumb, storage.thumb_path(row.sha256))
        try:
            with session_scope() as session:
                _writable_channel(session, actor_id, row.channel_id)  # again, in the persisting transaction
                session.add(row)
        except BaseException:
            if placed:
                storage.remove_blob(row.sha256)  # new bytes no row can point to (the lock is held)
            raise


def _writable_channel(session: Session, actor_id: int, channel_id: int) -> Channel:
    active_user(session, actor_id)
    channel = session.get(Channel, channel_id)
    if channel is None or session.get(ChannelMember, (channel_id, actor_id)) is None:
        raise NotFound('Channel not found.')  # the same answer whether it exists or not
    if channel.archived:
        raise Forbidden('This channel is archived; files cannot be added to it.')
    return channel


def _extra_types(session: Session, channel_id: int) -> frozenset[str]:
    channel = session.get(Channel, channel_id)
    workspace = session.get(Workspace, channel.workspace_id) if channel is not None else None
    return policy.parse_extra_types(workspace.extra_upload_types) if workspace is not None else frozenset()


def discard_upload(actor_id: int, public_id: str) -> None:
    """Remove a pending upload the actor made (the composer's remove button). Sent files are not touched."""
    with session_scope() as session:
        row = session.exec(select(Attachment).where(Attachment.public_id == public_id)).first()
        if row is None or row.uploader_id != actor_id or row.message_id is not None:
            raise NotFound('Upload not found.')
        sha256 = row.sha256
        session.delete(row)
    delete_unreferenced_files({sha256})


# ---- deleting ------------------------------------------------------------------------------------------


def release_for_message(session: Session, message_id: int) -> None:
    """Delete the attachments of a message being deleted, inside the caller's transaction.

    The stored bytes go after that transaction commits, and only those no other row still uses; on a
    rollback nothing is deleted.
    """
    rows = session.exec(select(Attachment).where(Attachment.message_id == message_id)).all()
    if not rows:
        return
    for row in rows:
        session.delete(row)
    session.flush()
    hashes: set[str] = session.info.setdefault(_RELEASE_KEY, set())
    hashes.update(row.sha256 for row in rows)
    if not event.contains(session, 'after_commit', _release_after_commit):
        event.listen(session, 'after_commit', _release_after_commit)
        event.listen(session, 'after_soft_rollback', _forget_release)


def _release_after_commit(session: Session) -> None:
    hashes = session.info.pop(_RELEASE_KEY, set())
    if not hashes:
        return
    try:
        delete_unreferenced_files(hashes)
    except Exception:  # the message is deleted either way; leftover bytes are swept by cleanup_uploads
        log.exception('deleting files of a deleted message failed')


def _forget_release(session: Session, _previous_transaction: object) -> None:
    session.info.pop(_RELEASE_KEY, None)


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
    with session_scope() as session:
        rows = session.exec(
            select(Attachment)
            .where(col(Attachment.message_id).is_(None), col(Attachment.created_at) < cutoff)
            .limit(batch)
        ).all()
        hashes = {row.sha256 for row in rows}
        for row in rows:
            session.delete(row)
    files_removed = delete_unreferenced_files(hashes)
    files_removed += _sweep_orphans(batch)
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


# ---- workspace setting ---------------------------------------------------------------------------------


def set_extra_upload_types(actor_id: int, workspace_id: int, types: Sequence[str]) -> tuple[str, ...]:
    """Workspace owners and admins widen the upload allow-list (`type/subtype` or `type/*` entries)."""
    entries = sorted({entry.strip().lower() for entry in types if entry.strip()})
    invalid = policy.invalid_type_entries(entries)
    if invalid:
        raise InvalidInput(f'Not a file type: {", ".join(invalid)}. Use forms like "video/mp4" or "audio/*".')
    refused = [entry for entry in entries if entry in policy.EXECUTABLE_TYPES]
    if refused:
        raise InvalidInput(f'Programs and scripts cannot be allowed: {", ".join(refused)}.')
    setting = ','.join(entries)
    if len(setting) > 2000:
        raise InvalidInput('The list of extra file types is too long (2000 characters at most).')
    with session_scope() as session:
        workspace = session.get(Workspace, workspace_id)
        member = session.get(WorkspaceMember, (workspace_id, actor_id))
        if workspace is None or member is None:
            raise NotFound('Workspace not found.')
        if member.role not in (WorkspaceRole.OWNER, WorkspaceRole.ADMIN):
            raise Forbidden('Only workspace owners and admins can change the accepted file types.')
        workspace.extra_upload_types = setting
        session.add(workspace)
    return tuple(entries)


# ---- downloads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Downloadable:
    path: Path
    name: str
    mime: str
    sha256: str


def downloadable_file(actor_id: int, public_id: str, *, thumbnail: bool = False) -> Downloadable:
    """The stored file (or its thumbnail) if the actor may read it; checked on every request.

    A sent file is readable by whoever may read its channel: members, and for a public channel the members
    of its workspace (the same rule as `state/access.py`). A pending upload only by its uploader. Anything
    else, ids that do not exist included, is the same `NotFound`.
    """
    with read_session() as session:
        row = session.exec(select(Attachment).where(Attachment.public_id == public_id)).first()
        allowed = row is not None and (
            row.uploader_id == actor_id if row.message_id is None else _may_read_channel(session, actor_id, row)
        )
    if row is None or not allowed or (thumbnail and not row.has_thumbnail):
        raise NotFound('File not found.')
    path = storage.thumb_path(row.sha256) if thumbnail else storage.blob_path(row.sha256)
    if not path.is_file():
        log.warning('attachment %s has no stored bytes at %s', public_id, path)
        raise NotFound('File not found.')
    mime = 'image/webp' if thumbnail else row.mime
    return Downloadable(path, row.name, mime, row.sha256)


def _may_read_channel(session: Session, actor_id: int, row: Attachment) -> bool:
    if session.get(ChannelMember, (row.channel_id, actor_id)) is not None:
        return True
    channel = session.get(Channel, row.channel_id)
    return (
        channel is not None
        and channel.kind == ChannelKind.PUBLIC
        and session.get(WorkspaceMember, (channel.workspace_id, actor_id)) is not None
    )
