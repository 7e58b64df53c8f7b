"""The workspace's upload settings (the extra allowed types, the largest file) and their reading for one channel."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from db import authz
from db.models import Channel, Workspace, WorkspaceMember
from db.workspace_settings_queries import settings_in_session
from settings import get_settings
from state.errors import Forbidden, InvalidInput, NotFound
from state.files import policy
from state.unit_of_work import unit_of_work

MAX_SETTING_CHARS = 2000  # the column's length


def extra_types_for_channel(session: Session, channel_id: int) -> frozenset[str]:
    """The extra types the channel's workspace accepts (none for a channel that does not exist)."""
    channel = session.get(Channel, channel_id)
    workspace = session.get(Workspace, channel.workspace_id) if channel is not None else None
    return policy.parse_extra_types(workspace.extra_upload_types) if workspace is not None else frozenset()


def upload_limit_for_workspace(session: Session, workspace_id: int) -> int:
    """The largest file in bytes: the workspace's own limit, never above the server's."""
    server_limit = get_settings().max_upload_bytes
    own = settings_in_session(session, workspace_id).max_upload_bytes
    return min(server_limit, own) if own else server_limit


def upload_limit_for_channel(session: Session, channel_id: int) -> int:
    channel = session.get(Channel, channel_id)
    if channel is None:
        return get_settings().max_upload_bytes
    return upload_limit_for_workspace(session, channel.workspace_id)


def clean_extra_types(types: Sequence[str]) -> str:
    """The stored form of an extra-types list, or InvalidInput naming the entries that cannot be allowed."""
    entries = sorted({entry.strip().lower() for entry in types if entry.strip()})
    invalid = policy.invalid_type_entries(entries)
    if invalid:
        raise InvalidInput(f'Not a file type: {", ".join(invalid)}. Use forms like "video/mp4" or "audio/*".')
    refused = [entry for entry in entries if entry in policy.EXECUTABLE_TYPES]
    if refused:
        raise InvalidInput(f'Programs and scripts cannot be allowed: {", ".join(refused)}.')
    setting = ','.join(entries)
    if len(setting) > MAX_SETTING_CHARS:
        raise InvalidInput(f'The list of extra file types is too long ({MAX_SETTING_CHARS} characters at most).')
    return setting


def set_extra_upload_types(actor_id: int, workspace_id: int, types: Sequence[str]) -> tuple[str, ...]:
    """Workspace owners and admins widen the upload allow-list (`type/subtype` or `type/*` entries)."""
    setting = clean_extra_types(types)
    with unit_of_work() as uow:
        workspace = uow.session.get(Workspace, workspace_id)
        member = uow.session.get(WorkspaceMember, (workspace_id, actor_id))
        if workspace is None or member is None:
            raise NotFound('Workspace not found.')
        if not authz.is_admin_role(member.role):
            raise Forbidden('Only workspace owners and admins can change the accepted file types.')
        workspace.extra_upload_types = setting
        uow.session.add(workspace)
    return tuple(sorted(policy.parse_extra_types(setting)))
