"""A menu of the user's workspaces (and a way to create another), for the shell's header."""

from __future__ import annotations

from nicegui import ui

from db.workspace_queries import workspaces_for_user
from pages.session import CurrentUser


def workspace_switcher(user: CurrentUser, current_slug: str) -> ui.button:
    workspaces = workspaces_for_user(user.id)
    current = next((w for w in workspaces if w.slug == current_slug), None)
    button = ui.button(current.name if current else 'Workspaces', icon='unfold_more')
    button.props('flat no-caps data-testid=workspace-switcher').mark('workspace-switcher')
    with button, ui.menu():
        for workspace in workspaces:
            item = ui.menu_item(workspace.name, on_click=lambda slug=workspace.slug: ui.navigate.to(f'/w/{slug}'))
            # Slugs are [a-z0-9-] only (state.actions.workspaces.slugify), so they are safe inside props.
            item.props(f'data-testid=workspace-item data-workspace={workspace.slug}').mark('workspace-item')
            if workspace.slug == current_slug:
                item.classes('text-weight-bold')
        ui.separator()
        ui.menu_item('Create a workspace', on_click=lambda: ui.navigate.to('/new-workspace')).props(
            'data-testid=workspace-new'
        )
    return button
