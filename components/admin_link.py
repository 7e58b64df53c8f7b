"""The shell's link to the administration console, shown to owners and admins only and following role changes
live: `MembershipChanged` on the person's own `user:{id}` shows or hides it in every open tab of theirs."""

from __future__ import annotations

from nicegui import ui

from components.shell_context import ShellContext
from db.authz import is_admin_role
from state.bus import bus, user_topic
from state.events import Event, MembershipChanged


def admin_link(ctx: ShellContext) -> ui.button:
    """Call while the shell is built. Also keeps `ctx.is_admin` true to the role, for menus built later."""
    button = ui.button(icon='admin_panel_settings', on_click=lambda: ui.navigate.to(f'/w/{ctx.workspace_slug}/admin'))
    button.props('flat round dense size=sm color=white data-testid=admin-link title="Administration"')
    button.mark('admin-link').visible = ctx.is_admin

    def on_event(event: Event) -> None:
        if isinstance(event, MembershipChanged) and event.workspace_id == ctx.workspace_id:
            ctx.is_admin = event.active and is_admin_role(event.role)
            button.mark('admin-link').visible = ctx.is_admin

    bus.subscribe(user_topic(ctx.user_id), on_event, owner=button)
    return button
