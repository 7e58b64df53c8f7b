"""Web API uploads in Slack's three steps: reserve a slot, receive its bytes, complete into a message.

1. `reserve_upload` (files.getUploadURLExternal): a slot row with the future attachment's public id and the
   sha256 of a random secret; the secret goes into the upload URL, which works once and expires.
2. `receive_upload` (the POST to that URL): the bytes, already staged by the HTTP route within the size
   limit, are recorded on the slot (once: a second POST finds the slot used).
3. `complete_uploads` (files.completeUploadExternal): claims the caller's slots, stores each file through
   `state.actions.uploads.store_upload` (the one upload path: types, sizes, quota, image bounds, EXIF) and
   sends them as one message.

Staged bytes live in the uploads' staging dir: an expired slot's are removed by `expire_upload_slots`
(the uploads clean-up), anything left by a crash by the staging sweep.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from db.engine import read_session
from db.models import ExternalUpload, utcnow
from state.actions.channels import open_direct
from state.actions.guards import active_user, require_id, workspace_membership
from state.actions.messages import MAX_ATTACHMENTS, send_message
from state.actions.upload_types import upload_limit_for_workspace
from state.actions.uploads import new_public_id, store_upload
from state.errors import InvalidInput, NotFound
from state.events import MessageView
from state.files import quota, storage
from state.files.errors import EmptyFile, FileTooLarge, UnsupportedFileType
from state.files.names import extension_of, has_executable_extension, sanitize_filename
from state.files.storage import StagedFile
from state.security import new_token, token_hash
from state.unit_of_work import unit_of_work

SLOT_LIFETIME = timedelta(minutes=15)
UPLOAD_NOT_FOUND = 'This upload URL is unknown, used or expired.'


@dataclass(frozen=True)
class UploadSlot:
    public_id: str
    secret: str  # goes into the upload URL only; the database keeps its hash


def reserve_upload(actor_id: int, workspace_id: int, filename: str, length: int) -> UploadSlot:
    """A slot for one file of `length` bytes; refuses early what the upload path would refuse anyway."""
    name = sanitize_filename(filename)
    if has_executable_extension(name):
        raise UnsupportedFileType(f'"{name}" has the extension .{extension_of(name)}; programs cannot be shared.')
    if length <= 0:
        raise InvalidInput('The length must be a positive number of bytes.', code='invalid_length')
    with read_session() as session:
        limit = upload_limit_for_workspace(session, workspace_id)
    if length > limit:
        raise FileTooLarge(storage.limit_message(limit))
    secret = new_token()
    public_id = new_public_id()
    with unit_of_work() as uow:
        session = uow.session
        active_user(session, actor_id)
        if workspace_membership(session, workspace_id, actor_id) is None:
            raise NotFound('Workspace not found.')
        quota.check(session, actor_id, length)
        session.add(
            ExternalUpload(
                public_id=public_id,
                secret_hash=token_hash(secret),
                user_id=actor_id,
                workspace_id=workspace_id,
                filename=name,
                length=length,
                expires_at=utcnow() + SLOT_LIFETIME,
            )
        )
    return UploadSlot(public_id, secret)


def slot_length(secret: str) -> int:
    """The announced length of a live, unused slot (the route receives at most that many bytes)."""
    with read_session() as session:
        slot = session.exec(select(ExternalUpload).where(ExternalUpload.secret_hash == token_hash(secret))).first()
        if slot is None or slot.staged_name is not None or _expired(slot.expires_at):
            raise NotFound(UPLOAD_NOT_FOUND, code='upload_not_found')
        return slot.length


def receive_upload(secret: str, staged: StagedFile) -> None:
    """Record the staged bytes on the slot, once; on any refusal the staged file is removed."""
    try:
        if staged.size == 0:
            raise EmptyFile('The file is empty.')
        with unit_of_work() as uow:
            # One UPDATE that only an unused, live slot matches: two POSTs racing cannot both win.
            claimed = uow.session.execute(
                update(ExternalUpload)
                .where(
                    col(ExternalUpload.secret_hash) == token_hash(secret),
                    col(ExternalUpload.staged_name).is_(None),
                    col(ExternalUpload.expires_at) > utcnow(),
                    col(ExternalUpload.length) >= staged.size,
                )
                .values(staged_name=staged.path.name, staged_size=staged.size, staged_sha256=staged.sha256)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(UPLOAD_NOT_FOUND, code='upload_not_found')
    except BaseException:
        staged.discard()
        raise


def complete_uploads(
    actor_id: int,
    workspace_id: int,
    public_ids: Sequence[str],
    channel_id: int | None,
    initial_comment: str = '',
    thread_root_id: int | None = None,
) -> MessageView:
    """Store the caller's received uploads and send them as one message.

    Without a channel the files go to the caller's note to self: Slack keeps such files private to their
    uploader, and every file of ours belongs to a conversation.
    """
    wanted = list(dict.fromkeys(public_ids))
    if not wanted:
        raise InvalidInput('Name at least one file.', code='invalid_arguments')
    if len(wanted) > MAX_ATTACHMENTS:
        raise InvalidInput(f'A message can carry at most {MAX_ATTACHMENTS} files.')
    slots = _claim(actor_id, workspace_id, wanted)
    staged = [_staged_file(slot) for slot in slots]
    try:
        target = channel_id if channel_id is not None else note_to_self(actor_id, workspace_id)
        stored: list[str] = []
        for slot, staged_file in zip(slots, staged, strict=True):
            stored.append(store_upload(actor_id, target, slot.filename, staged_file, public_id=slot.public_id).id)
    finally:
        for staged_file in staged:
            staged_file.discard()  # store_upload removed the ones it took; the rest after a refusal
    return send_message(actor_id, target, initial_comment, None, thread_root_id, attachment_ids=stored)


def note_to_self(actor_id: int, workspace_id: int) -> int:
    """Where a file shared with nobody goes: the actor's own conversation."""
    return require_id(open_direct(actor_id, workspace_id, [actor_id]).id)


def _claim(actor_id: int, workspace_id: int, public_ids: list[str]) -> list[ExternalUpload]:
    """Take the slots out of the table (used once); any unknown, foreign, empty or expired one refuses all."""
    with unit_of_work() as uow:
        session = uow.session
        rows = session.exec(
            select(ExternalUpload).where(
                col(ExternalUpload.public_id).in_(public_ids),
                ExternalUpload.user_id == actor_id,
                ExternalUpload.workspace_id == workspace_id,
            )
        ).all()
        by_id = {row.public_id: row for row in rows}
        live = [by_id[pid] for pid in public_ids if pid in by_id and by_id[pid].staged_name is not None]
        if len(live) != len(public_ids) or any(_expired(row.expires_at) for row in live):
            raise NotFound('File not found, not uploaded yet, or expired.', code='file_not_found')
        for row in live:
            session.delete(row)
        session.flush()
        return [ExternalUpload.model_validate(row.model_dump()) for row in live]


def _staged_file(slot: ExternalUpload) -> StagedFile:
    return StagedFile(storage.staging_dir() / (slot.staged_name or ''), slot.staged_size or 0, slot.staged_sha256 or '')


def expire_upload_slots(now: datetime | None = None, batch: int = 1000) -> int:
    """The clean-up's part: slots past their time go, with any bytes they received."""
    with unit_of_work() as uow:
        rows = uow.session.exec(
            select(ExternalUpload).where(col(ExternalUpload.expires_at) < (now or utcnow())).limit(batch)
        ).all()
        names = [row.staged_name for row in rows if row.staged_name]
        for row in rows:
            uow.session.delete(row)
    for name in names:
        with contextlib.suppress(OSError):
            (storage.staging_dir() / name).unlink(missing_ok=True)
    return len(rows)


def _expired(moment: datetime) -> bool:
    return moment <= utcnow()
