"""Download authorization: which stored file (or thumbnail) a person may fetch, checked on every request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from db import authz
from db.engine import read_session
from db.models import Attachment, Channel
from state.errors import NotFound
from state.files import storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Downloadable:
    path: Path
    name: str
    mime: str
    sha256: str


def downloadable_file(
    actor_id: int, public_id: str, *, thumbnail: bool = False, workspace_id: int | None = None
) -> Downloadable:
    """The stored file (or its thumbnail) if the actor may read it; checked on every request.

    A sent file is readable by whoever may read its channel (`db/authz.py`: members, and for a public channel
    the members of its workspace). A pending upload only by its uploader. Anything else, ids that do not
    exist included, is the same `NotFound`. `workspace_id` (a Web API token's) must be the file's workspace.
    """
    with read_session() as session:
        row = session.exec(select(Attachment).where(Attachment.public_id == public_id)).first()
        channel = session.get(Channel, row.channel_id) if row is not None else None
        in_workspace = workspace_id is None or (channel is not None and channel.workspace_id == workspace_id)
        allowed = (
            row is not None
            and in_workspace
            and (
                row.uploader_id == actor_id
                if row.message_id is None
                else authz.readable_in_session(session, actor_id, row.channel_id) is not None
            )
        )
    if row is None or not allowed or (thumbnail and not row.has_thumbnail):
        raise NotFound('File not found.')
    path = storage.thumb_path(row.sha256) if thumbnail else storage.blob_path(row.sha256)
    if not path.is_file():
        log.warning('attachment %s has no stored bytes at %s', public_id, path)
        raise NotFound('File not found.')
    mime = 'image/webp' if thumbnail else row.mime
    return Downloadable(path, row.name, mime, row.sha256)
