"""Import a Slack export into a workspace, or export a workspace as one: owners and admins only.

`actor_id=None` is the operator (the CLI), who may do it to any workspace. The work itself is in
`state/slack_archive/`; it writes through `unit_of_work` (batches, then one summary event) and blocks for
as long as the archive takes, so the UI calls these through `state/blocking.py: off_loop`.
"""

from __future__ import annotations

from pathlib import Path

from db.engine import read_session
from db.models import Workspace
from state.actions.guards import active_user, is_admin, workspace_membership
from state.errors import Forbidden, NotFound
from state.slack_archive.archive import Limits
from state.slack_archive.exporter import ExportReport, export_workspace
from state.slack_archive.importer import import_archive
from state.slack_archive.report import ImportReport, Progress, no_progress

WORKSPACE_NOT_FOUND = 'There is no such workspace.'


def import_slack_export(
    actor_id: int | None,
    workspace_id: int,
    archive: Path,
    *,
    progress: Progress = no_progress,
    limits: Limits | None = None,
) -> ImportReport:
    _authorize(actor_id, workspace_id, 'import into')
    return import_archive(workspace_id, archive, progress=progress, limits=limits)


def export_slack_archive(
    actor_id: int | None, workspace_id: int, out: Path, *, progress: Progress = no_progress
) -> ExportReport:
    _authorize(actor_id, workspace_id, 'export')
    return export_workspace(workspace_id, out, progress=progress)


def _authorize(actor_id: int | None, workspace_id: int, verb: str) -> None:
    with read_session() as session:
        if session.get(Workspace, workspace_id) is None:
            raise NotFound(WORKSPACE_NOT_FOUND)
        if actor_id is None:
            return
        active_user(session, actor_id)
        member = workspace_membership(session, workspace_id, actor_id)
        if member is None:
            raise NotFound(WORKSPACE_NOT_FOUND)  # outsiders cannot tell a workspace from a missing one
        if not is_admin(member):
            raise Forbidden(f'Only workspace owners and admins can {verb} a Slack export.')
