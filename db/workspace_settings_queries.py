"""A workspace's policies (the `workspace_settings` row, or the defaults when it has none); no writes."""

from __future__ import annotations

from sqlmodel import Session

from db.engine import read_session
from db.models import WorkspaceSettings

CHANNEL_CREATORS = ('everyone', 'admins')
DELETE_OTHERS = ('admins', 'nobody')


def settings_in_session(session: Session, workspace_id: int) -> WorkspaceSettings:
    """The stored row, or an unsaved one holding the defaults (callers that change it add it themselves)."""
    return session.get(WorkspaceSettings, workspace_id) or WorkspaceSettings(workspace_id=workspace_id)


def workspace_settings(workspace_id: int) -> WorkspaceSettings:
    with read_session() as session:
        found = settings_in_session(session, workspace_id)
        session.expunge_all()
    return found


def parse_ids(text: str) -> tuple[int, ...]:
    """ "3,7" -> (3, 7); the stored form of channel id lists (settings, guest invites)."""
    return tuple(int(part) for part in text.split(',') if part.strip().isdigit())


def format_ids(ids: tuple[int, ...] | list[int]) -> str:
    return ','.join(str(i) for i in dict.fromkeys(ids))
