"""/new-workspace: any logged-in user creates a workspace and becomes its owner."""

from __future__ import annotations

from nicegui import ui

from components.account_menu import logout_button
from db.workspace_queries import workspaces_for_user
from pages.session import require_user, watch_session_end
from state.actions.workspaces import create_workspace
from state.errors import ActionError


@ui.page('/new-workspace', title='New workspace · Teamchat')
def new_workspace_page() -> None:
    user = require_user()
    if user is None:
        return
    watch_session_end(user)
    existing = workspaces_for_user(user.id)

    def submit() -> None:
        try:
            workspace = create_workspace(user.id, name.value or '')
        except ActionError as error:
            message.text = error.message
            message.visible = True
            return
        ui.navigate.to(f'/w/{workspace.slug}')

    with ui.row().classes('w-full justify-end items-center gap-2 px-4 pt-2'):
        ui.label(user.display_name).classes('text-sm text-grey-8')
        logout_button()  # someone without any workspace still needs a way out
    with ui.column().classes('w-full items-center pt-12'), ui.card().classes('w-96 max-w-full p-6 gap-3'):
        ui.label('Create a workspace').classes('text-xl font-semibold')
        ui.label('A workspace is where your team talks. You will be its owner and can invite others.')
        name = ui.input('Workspace name', placeholder='e.g. Acme Inc.').classes('w-full').mark('workspace-name')
        name.props('outlined dense data-testid=workspace-name')
        name.on('keydown.enter', submit)
        message = ui.label('').classes('text-negative text-sm').mark('workspace-error')
        message.props('data-testid=workspace-error role=alert')
        message.visible = False
        create = ui.button('Create workspace', on_click=submit).classes('w-full').mark('workspace-create')
        create.props('unelevated data-testid=workspace-create')
        if existing:
            ui.label('Or open one of yours:').classes('text-sm pt-2')
            for workspace in existing:
                ui.link(workspace.name, f'/w/{workspace.slug}').classes('text-sm')
