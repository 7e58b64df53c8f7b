"""Uploads: store a file for a message about to be sent, and let its uploader take it back before sending.

An upload becomes an `Attachment` row with `message_id` None (pending). `state.actions.messages.send_message`
links pending rows to the message by their public ids; deleting the message releases them
(`state/actions/file_release.py`); pending rows never sent are swept by `state/actions/upload_cleanup.py`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session, select

from db.engine import read_session
from db.models import Attachment, Channel, ChannelMember
from db.view_builders import attachment_view
from state.actions.file_release import delete_unreferenced_files
from state.actions.guards import active_user
from state.actions.upload_types import extra_types_for_channel, upload_limit_for_channel
from state.errors import Forbidden, NotFound
from state.events import AttachmentView
from state.files import policy, quota, storage
from state.files.detect import detect_type
from state.files.errors import EmptyFile, FileTooLarge, UnsupportedFileType
from state.files.images import clean_image
from state.files.names import extension_of, has_executable_extension, sanitize_filename
from state.files.storage import StagedFile
from state.rate_limit import limiter
from state.unit_of_work import unit_of_work

Source = StagedFile | Path | BinaryIO | Iterable[bytes]


def authorize_upload(actor_id: int, channel_id: int, incoming_bytes: int = 1) -> None:
    """The checks `store_upload` makes, run before the HTTP route accepts a body (saves receiving 25 MB).

    `incoming_bytes` is what the body will add to the actor's pending uploads (its declared length), so an
    upload past the quota is refused before it is received.
    """
    with read_session() as session:
        _writable_channel(session, actor_id, channel_id)
        quota.check(session, actor_id, incoming_bytes)


def store_upload(
    actor_id: int,
    channel_id: int,
    filename: str,
    source: Source,
    declared_type: str | None = None,
    public_id: str | None = None,
) -> AttachmentView:
    """Store a file for a message the actor is about to send in the channel; returns the pending attachment.

    `source` is a `StagedFile` (the upload route's; taken over and removed), a path (copied), a binary file
    object or an iterable of byte chunks. The type comes from the content; `declared_type` (the browser's
    claim) only picks between text flavours. `public_id` is one handed out before the bytes arrived (a Web API
    upload slot, `state/actions/api_uploads.py`); by default a fresh one. Blocking work (hashing, decoding
    images): call from a thread.
    """
    with read_session() as session:
        limit = upload_limit_for_channel(session, channel_id)  # the workspace's, never above the server's
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
        with read_session() as session:  # before decoding anything; checked again when the row is committed
            quota.check(session, actor_id, content.size)
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
            public_id=public_id or new_public_id(),
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


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


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
        extra_types = extra_types_for_channel(session, channel_id)
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
            with unit_of_work() as uow:
                session = uow.session
                _writable_channel(session, actor_id, row.channel_id)  # again, in the persisting transaction
                quota.lock_uploader(session, actor_id)  # one person's uploads on other nodes wait here
                quota.check(session, actor_id, row.size)  # the stored size (a cleaned image's may differ)
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


def discard_upload(actor_id: int, public_id: str) -> None:
    """Remove a pending upload the actor made (the composer's remove button). Sent files are not touched.

    The bytes go after the commit, if no other row uses them; a failure there is logged and left to the
    periodic clean-up (the upload is gone either way).
    """
    with unit_of_work() as uow:
        row = uow.session.exec(select(Attachment).where(Attachment.public_id == public_id)).first()
        if row is None or row.uploader_id != actor_id or row.message_id is not None:
            raise NotFound('Upload not found.')
        sha256 = row.sha256
        uow.session.delete(row)
        uow.after_commit(lambda: _delete_files(sha256))


def _delete_files(sha256: str) -> None:
    delete_unreferenced_files({sha256})
