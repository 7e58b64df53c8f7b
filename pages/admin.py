"""/w/{slug}/admin: the administration console of a workspace, for its owners and admins only.

Anyone else, a deactivated member included, gets the same "not found" as for an unknown page, so the console's
existence tells them nothing. The console is a row of tabs defined by `ADMIN_TABS`: each is (key, label,
builder), and a builder takes the actor's and the workspace's ids, so adding a tab is one line. The page follows
the viewer's own `user:{id}` topic: losing the admin role or the membership sends the tab back to the workspace
at once (every action checks the role again anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from nicegui import ui

from components import stylesheets
from components.admin_audit import build_audit_tab
from components.admin_import_export import build_import_export_tab
from components.admin_integrations import build_integrations_tab
from components.admin_members import build_members_tab
from components.admin_settings import build_settings_tab
from components.invite_manager import build_invite_manager
from db.admin_queries import is_active_admin
from db.authz import is_admin_role
from db.workspace_queries import active_membership, is_workspace_admin, workspace_by_slug
from pages.session import require_user, watch_session_end
from pages.workspace import not_found
from state.bus import bus, user_topic
from state.events import Event, MembershipChanged


class AdminTab(NamedTuple):
    key: str  # also the tab's data-testid suffix: admin-tab-{key}
    label: str
    build: Callable[[int, int], None]  # (actor_id, workspace_id), called while the page is built


ADMIN_TABS: tuple[AdminTab, ...] = (
    AdminTab('members', 'Members', build_members_tab),
    AdminTab('invitations', 'Invitations', build_invite_manager),
    AdminTab('settings', 'Settings', build_settings_tab),
    AdminTab('integrations', 'Integrations', build_integrations_tab),
    AdminTab('import-export', 'Import / export', build_import_export_tab),
    AdminTab('audit', 'Audit log', build_audit_tab),
)


@ui.page('/w/{slug}/admin', title='Administration · Teamchat')
async def admin_page(slug: str, tab: str = '') -> None:
    user = require_user()
    if user is None:
        return
    workspace = workspace_by_slug(slug)
    member = active_membership(workspace.id, user.id) if workspace is not None and workspace.id is not None else None
    if workspace is None or workspace.id is None or not is_workspace_admin(member):
        not_found('Page not found.')  # the same answer as any unknown page
        return
    workspace_id = workspace.id
    stylesheets.link(stylesheets.CHAT)
    watch_session_end(user)
    home = f'/w/{workspace.slug}'
    navigate = ui.navigate  # captured at build (rule 8)

    def on_user_event(event: Event) -> None:
        if not isinstance(event, MembershipChanged) or event.workspace_id != workspace_id:
            return
        if not (event.active and is_admin_role(event.role)):
            navigate.to(home)  # no longer an admin here: the console closes at once

    bus.subscribe(user_topic(user.id), on_user_event)

    with ui.column().classes('w-full max-w-5xl mx-auto p-6 gap-3').props('data-testid=admin-console'):
        with ui.row().classes('w-full items-center'):
            ui.link(f'← Back to {workspace.name}', home).props('data-testid=admin-back')
        ui.label(f'Administration · {workspace.name}').classes('text-xl font-semibold')
        with ui.tabs().classes('w-full').props('align=left no-caps') as tabs:
            made = {t.key: ui.tab(t.key, t.label).props(f'data-testid=admin-tab-{t.key}') for t in ADMIN_TABS}
        first_key = tab if tab in made else ADMIN_TABS[0].key  # ?tab=audit opens that tab
        first = made[first_key]
        tabs.set_value(first)
        with ui.tab_panels(tabs, value=first, animated=False).classes('w-full') as panels:
            bodies = {t.key: ui.tab_panel(t.key) for t in ADMIN_TABS}

    def show(key: object) -> None:
        # Each visit builds the tab afresh from the database (the audit log shows what just happened), and only
        # visited tabs cost anything; the old body's subscriptions end with its elements.
        found = next((t for t in ADMIN_TABS if t.key == key), None)
        if found is None:
            return
        if not is_active_admin(user.id, workspace_id):  # asked on every switch, not only at page build
            navigate.to(home)
            return
        for body in bodies.values():
            body.clear()
        with bodies[found.key]:
            found.build(user.id, workspace_id)

    panels.on_value_change(lambda e: show(e.value))
    show(first_key)
