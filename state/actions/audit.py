"""The audit trail of a workspace's administration: one row per change, written inside that change's own
transaction, so a change and its record commit together or not at all.

Actions take an optional `ip` (the client's address, from `client_ip()` in the page or the API request) and
pass it here; operator paths (CLI) record no address.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlmodel import Session

from db.models import AuditEvent
from state.unit_of_work import UnitOfWork

IP_MAX_CHARS = 64


def record_audit(
    uow_or_session: UnitOfWork | Session,
    *,
    workspace_id: int,
    actor_id: int | None,
    action: str,
    target_kind: str = '',
    target_id: int | None = None,
    detail: Mapping[str, object] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Add one audit row to the caller's transaction (flushed by the commit that makes the change)."""
    session = uow_or_session.session if isinstance(uow_or_session, UnitOfWork) else uow_or_session
    row = AuditEvent(
        workspace_id=workspace_id,
        actor_id=actor_id,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        detail=json.dumps(dict(detail or {}), separators=(',', ':'), sort_keys=True, default=str),
        ip=(ip or '')[:IP_MAX_CHARS],
    )
    session.add(row)
    return row
