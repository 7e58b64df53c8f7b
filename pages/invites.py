"""/w/{slug}/invites: owners and admins create and revoke invite links; others learn only what they may."""

from __future__ import annotations

from nicegui import ui

from components.invite_manager import build_invite_manager
from components.notice import notice_card
from db.workspace_queries import active_membership, is_workspace_admin, workspace_by_slug
from pages.session import require_user, watch_session_end
from state.actions.workspaces import WORKSPACE_NOT_FOUND


@ui.page('/w/{slug}/invites', title='Invites · Teamchat')
def invites_page(slug: str) -> None:
    user = require_user()
    if user is None:
        return
    watch_session_end(user)
    workspace = workspace_by_slug(slug)
    member = active_membership(workspace.id, user.id) if workspace is not None and workspace.id is not None else None
    if workspace is None or workspace.id is None or member is None:  # a stranger cannot tell which
        notice_card(
            'Workspace not found',
            f'{WORKSPACE_NOT_FOUND} Check the address, or ask for an invite.',
            testid='workspace-not-found',
        )
        return
    back = f'/w/{workspace.slug}'
    if not is_workspace_admin(member):
        notice_card(
            'Invites',
            'You are not allowed to manage invites: only owners and admins of this workspace can.',
            testid='invites-forbidden',
            back_url=back,
            back_text=f'Back to {workspace.name}',
        )
        return
    with ui.column().classes('w-full max-w-3xl mx-auto p-6 gap-4'):
        ui.link(f'← Back to {workspace.name}', back)
        ui.label(f'Invite people to {workspace.name}').classes('text-xl font-semibold')
        build_invite_manager(user.id, workspace.id)
