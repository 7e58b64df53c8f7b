"""A menu of the user's workspaces (and a way to create another), for the shell's header.

The menu fills when it opens: tabs that never open it hold no items and their page build runs no query.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from db.workspace_queries import workspaces_for_user


def workspace_switcher(
    user_id: int, current_slug: str, current_name: str, on_apps: Callable[[], object] | None = None
) -> ui.button:
    """`on_apps`: owners and admins get an "Apps" item that calls it."""
    button = ui.button(current_name, icon='unfold_more')
    button.props('flat no-caps data-testid=workspace-switcher').mark('workspace-switcher')
    with button:
        menu = ui.menu().mark('workspace-menu')
    menu.on('before-show', lambda: _fill(menu, user_id, current_slug, on_apps))
    return button


def _fill(menu: ui.menu, user_id: int, current_slug: str, on_apps: Callable[[], object] | None) -> None:
    menu.clear()
    with menu:
        for workspace in workspaces_for_user(user_id):
            item = ui.menu_item(workspace.name, on_click=lambda slug=workspace.slug: ui.navigate.to(f'/w/{slug}'))
            # Slugs are [a-z0-9-] only (state.actions.workspaces.slugify), so they are safe inside props.
            item.props(f'data-testid=workspace-item data-workspace={workspace.slug}').mark('workspace-item')
            if workspace.slug == current_slug:
                item.classes('text-weight-bold')
        ui.separator()
        if on_apps is not None:
            ui.menu_item('Apps…', on_click=on_apps).props('data-testid=workspace-apps')
        ui.menu_item('Create a workspace', on_click=lambda: ui.navigate.to('/new-workspace')).props(
            'data-testid=workspace-new'
        )
