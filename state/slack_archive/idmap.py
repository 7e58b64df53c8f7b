"""The Slack id -> our id mapping of one workspace (`slack_import_map`), cached for the length of an import."""

from __future__ import annotations

from sqlmodel import Session, select

from db.engine import read_session
from db.models import SlackImportMap


class IdMap:
    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        with read_session() as session:
            rows = session.exec(select(SlackImportMap).where(SlackImportMap.workspace_id == workspace_id)).all()
        self._ids = {(row.kind, row.slack_id): row.local_id for row in rows}

    def get(self, kind: str, slack_id: str) -> int | None:
        return self._ids.get((kind, slack_id))

    def put(self, session: Session, kind: str, slack_id: str, local_id: int) -> None:
        """Record it in the caller's transaction; the cache is only trusted for the rest of this import, which
        ends at the first failure anyway."""
        session.add(SlackImportMap(workspace_id=self.workspace_id, kind=kind, slack_id=slack_id, local_id=local_id))
        self._ids[(kind, slack_id)] = local_id


def message_key(channel_sid: str, ts: str) -> str:
    return f'{channel_sid}:{ts}'
