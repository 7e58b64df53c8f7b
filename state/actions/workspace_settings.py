"""Workspace settings: the name, the icon and the policies the other actions enforce.

Only owners and admins change them. Every change is validated whole before anything is written, and the
action returns what changed (field -> (old, new)) so the audit log can record it. Open tabs hear of the new
name and icon through `WorkspaceSettingsChanged` on `workspace:{id}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from db import authz
from db.models import Channel, ChannelKind, Workspace, WorkspaceSettings
from db.workspace_settings_queries import (
    CHANNEL_CREATORS,
    DELETE_OTHERS,
    format_ids,
    settings_in_session,
)
from settings import get_settings
from state.actions.guards import active_user, workspace_membership
from state.actions.upload_types import clean_extra_types
from state.actions.workspaces import clean_workspace_name
from state.bus import workspace_topic
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import WorkspaceSettingsChanged
from state.render.emoji import emoji_for
from state.render.emoji_table import EMOJI
from state.unit_of_work import unit_of_work

MAX_EDIT_WINDOW_MINUTES = 60 * 24 * 365  # a year; 0 means no limit
MAX_DEFAULT_CHANNELS = 20
Changes = dict[str, tuple[object, object]]
_EMOJI_CHARS = frozenset(EMOJI.values())


@dataclass(frozen=True)
class SettingsChange:
    """What an admin asks to change; None leaves a field as it is."""

    name: str | None = None
    icon_emoji: str | None = None  # a shortcode (":rocket:") or the emoji itself; '' removes the icon
    default_channel_ids: Sequence[int] | None = None
    channel_creators: str | None = None  # 'everyone' | 'admins'
    edit_window_minutes: int | None = None  # 0 = unlimited
    delete_others: str | None = None  # 'admins' | 'nobody'
    extra_upload_types: Sequence[str] | None = None
    max_upload_mb: float | None = None  # 0 = the server's limit


def update_workspace_settings(actor_id: int, workspace_id: int, change: SettingsChange) -> Changes:
    """Apply `change`; returns {field: (old, new)} for the fields whose value changed (empty: nothing did)."""
    with unit_of_work() as uow:
        session = uow.session
        workspace = _admin_workspace(session, actor_id, workspace_id)
        stored = settings_in_session(session, workspace_id)
        wanted = _validated(session, workspace_id, change)
        changes: Changes = {}
        for field, new in wanted.items():
            target: Workspace | WorkspaceSettings = workspace if field in ('name', 'extra_upload_types') else stored
            old = getattr(target, field)
            if old != new:
                changes[field] = (old, new)
                setattr(target, field, new)
        if not changes:
            return changes
        session.add(workspace)
        session.add(stored)
        uow.publish(
            workspace_topic(workspace_id),
            WorkspaceSettingsChanged(workspace_id=workspace_id, name=workspace.name, icon_emoji=stored.icon_emoji),
        )
    return changes


def _admin_workspace(session: Session, actor_id: int, workspace_id: int) -> Workspace:
    active_user(session, actor_id)
    member = workspace_membership(session, workspace_id, actor_id)
    workspace = session.get(Workspace, workspace_id)
    if member is None or workspace is None:
        raise NotFound('Workspace not found.')
    if not authz.is_admin_role(member.role):
        raise Forbidden('Only workspace owners and admins can change the workspace settings.')
    return workspace


def _validated(session: Session, workspace_id: int, change: SettingsChange) -> dict[str, object]:
    """Each asked-for field in its stored form, or InvalidInput with a sentence naming the problem."""
    wanted: dict[str, object] = {}
    if change.name is not None:
        wanted['name'] = clean_workspace_name(change.name)
    if change.icon_emoji is not None:
        wanted['icon_emoji'] = _clean_icon(change.icon_emoji)
    if change.default_channel_ids is not None:
        wanted['default_channel_ids'] = _clean_default_channels(session, workspace_id, change.default_channel_ids)
    if change.channel_creators is not None:
        if change.channel_creators not in CHANNEL_CREATORS:
            raise InvalidInput('Who may create channels must be "everyone" or "admins".')
        wanted['channel_creators'] = change.channel_creators
    if change.edit_window_minutes is not None:
        minutes = change.edit_window_minutes
        if not 0 <= minutes <= MAX_EDIT_WINDOW_MINUTES:
            raise InvalidInput(f'The edit window must be between 0 (no limit) and {MAX_EDIT_WINDOW_MINUTES} minutes.')
        wanted['edit_window_minutes'] = int(minutes)
    if change.delete_others is not None:
        if change.delete_others not in DELETE_OTHERS:
            raise InvalidInput('Who may delete other people\'s messages must be "admins" or "nobody".')
        wanted['delete_others'] = change.delete_others
    if change.extra_upload_types is not None:
        wanted['extra_upload_types'] = clean_extra_types(change.extra_upload_types)
    if change.max_upload_mb is not None:
        wanted['max_upload_bytes'] = _clean_upload_size(change.max_upload_mb)
    return wanted


def _clean_icon(value: str) -> str:
    text = value.strip()
    if not text:
        return ''
    if text in _EMOJI_CHARS:
        return text
    found = emoji_for(text)
    if found is None:
        raise InvalidInput(f'"{text[:40]}" is not an emoji; pick one such as :rocket: or leave the icon empty.')
    return found


def _clean_default_channels(session: Session, workspace_id: int, ids: Sequence[int]) -> str:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if len(wanted) > MAX_DEFAULT_CHANNELS:
        raise InvalidInput(f'At most {MAX_DEFAULT_CHANNELS} default channels.')
    if not wanted:
        return ''
    found = set(
        session.exec(
            select(Channel.id).where(
                col(Channel.id).in_(wanted),
                Channel.workspace_id == workspace_id,
                Channel.kind == ChannelKind.PUBLIC,
                col(Channel.archived).is_(False),
            )
        ).all()
    )
    if missing := [i for i in wanted if i not in found]:
        raise InvalidInput(f'Default channels must be open public channels of this workspace (not: {missing}).')
    return format_ids(wanted)


def _clean_upload_size(megabytes: float) -> int | None:
    server_limit = get_settings().max_upload_bytes
    if megabytes == 0:
        return None
    size = int(megabytes * 1024 * 1024)
    if not 1024 <= size <= server_limit:
        server_mb = server_limit / (1024 * 1024)
        raise InvalidInput(f'The largest upload must be between 0.001 and {server_mb:g} MB (0 = the server limit).')
    return size
