"""Routes of the workspace shell: a workspace, a channel, a message permalink and a thread permalink."""

from __future__ import annotations

from nicegui import app, ui

from components import stylesheets
from components.shell import Shell
from components.shell_context import ShellContext
from db.authz import is_guest_role
from db.directory_queries import visible_people_ids
from db.models import fits_id
from db.workspace_queries import is_workspace_admin, membership, workspace_by_slug
from db.workspace_settings_queries import workspace_settings
from hardening import log_context
from pages.session import LAST_WORKSPACE_KEY, require_user, watch_session_end
from settings import get_settings
from state.stores.connections import registry as connections
from state.stores.roster import roster


@ui.page('/w/{slug}')
async def workspace_home(slug: str) -> None:
    await build_shell(slug)


@ui.page('/w/{slug}/c/{channel_id}')
async def channel_page(slug: str, channel_id: int) -> None:
    await build_shell(slug, channel_id=channel_id)


@ui.page('/w/{slug}/c/{channel_id}/m/{message_id}')
async def message_permalink(slug: str, channel_id: int, message_id: int) -> None:
    await build_shell(slug, channel_id=channel_id, message_id=message_id)


@ui.page('/w/{slug}/c/{channel_id}/t/{root_id}')
async def thread_permalink(slug: str, channel_id: int, root_id: int) -> None:
    await build_shell(slug, channel_id=channel_id, root_id=root_id)


def not_found(text: str) -> None:
    with ui.column().classes('absolute-center items-center'):
        ui.label(text).classes('text-xl').props('data-testid=not-found')
        ui.link('Back to your workspaces', '/')


async def build_shell(
    slug: str, *, channel_id: int | None = None, message_id: int | None = None, root_id: int | None = None
) -> None:
    user = require_user()
    if user is None:
        return
    workspace = workspace_by_slug(slug)
    member = membership(workspace.id, user.id) if workspace is not None and workspace.id is not None else None
    if workspace is None or workspace.id is None or member is None:
        not_found('Workspace not found.')  # the same answer whether it exists or not
        return
    if not all(fits_id(path_id) for path_id in (channel_id, message_id, root_id) if path_id is not None):
        not_found('Channel not found.')  # a forged id beyond the id column's range would fail every query
        return
    log_context.bind(user=user.id, workspace=workspace.slug)
    if app.storage.user.get(LAST_WORKSPACE_KEY) != slug:  # every write rewrites the user's storage file
        app.storage.user[LAST_WORKSPACE_KEY] = slug
    stylesheets.link(stylesheets.CHAT)
    watch_session_end(user)
    ctx = ShellContext(
        user_id=user.id,
        user_name=user.display_name,
        session_id=user.session_id,
        workspace_id=workspace.id,
        workspace_slug=workspace.slug,
        workspace_name=workspace.name,
        is_admin=is_workspace_admin(member),
        max_message_chars=get_settings().max_message_chars,
        roster=roster(workspace.id),
        guest_sees=visible_people_ids(workspace.id, user.id) if is_guest_role(member.role) else None,
        workspace_icon=workspace_settings(workspace.id).icon_emoji,
    )
    client = ui.context.client
    connections.track(client, user.id, user.display_name, workspace.slug, client.request.url.path)
    Shell(ctx).start(channel_id=channel_id, message_id=message_id, root_id=root_id)
