"""A menu of the user's workspaces (and a way to create another), for the shell's header.

The menu fills when it opens: tabs that never open it hold no items and their page build runs no query.
"""

from __future__ import annotations

from nicegui import ui

from db.workspace_queries import workspaces_for_user


def workspace_switcher(user_id: int, current_slug: str, current_name: str) -> ui.button:
    button = ui.button(current_name, icon='unfold_more')
    button.props('flat no-caps data-testid=workspace-switcher').mark('workspace-switcher')
    with button:
        menu = ui.menu().mark('workspace-menu')
    menu.on('before-show', lambda: _fill(menu, user_id, current_slug))
    return button


def _fill(menu: ui.menu, user_id: int, current_slug: str) -> None:
    menu.clear()
    with menu:
        for workspace in workspaces_for_user(user_id):
            item = ui.menu_item(workspace.name, on_click=lambda slug=workspace.slug: ui.navigate.to(f'/w/{slug}'))
            # Slugs are [a-z0-9-] only (state.actions.workspaces.slugify), so they are safe inside props.
            item.props(f'data-testid=workspace-item data-workspace={workspace.slug}').mark('workspace-item')
            if workspace.slug == current_slug:
                item.classes('text-weight-bold')
        ui.separator()
        ui.menu_item('Create a workspace', on_click=lambda: ui.navigate.to('/new-workspace')).props(
            'data-testid=workspace-new'
        )
