"""/admin/live: the live inspector of this node, for server admins only (anyone else gets a plain not found).

The page checks the role when it is built, and the shared feed checks it again before every push it sends this
tab (state/inspector.py), so a revoked operator's open inspector empties at once. The tab itself is listed among
the connected tabs like any other.
"""

from __future__ import annotations

from fastapi import HTTPException
from nicegui import ui

from components.inspector_view import InspectorView
from db.server_admin_queries import is_server_admin
from hardening import log_context
from pages.session import require_user, watch_session_end
from state.inspector import feed, take_snapshot
from state.stores.connections import registry

ROUTE = '/admin/live'


@ui.page(ROUTE, title='Live inspector · Teamchat')
def live_inspector() -> None:
    user = require_user()
    if user is None:
        return
    if not is_server_admin(user.id):
        raise HTTPException(status_code=404)  # as for any path that does not exist
    log_context.bind(user=user.id)
    watch_session_end(user)
    client = ui.context.client
    view = InspectorView(take_snapshot())
    registry.track(client, user.id, user.display_name, None, ROUTE)
    feed.watch(client, user.id, view.show, view.revoke)
