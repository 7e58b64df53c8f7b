"""The app plus one page, for e2e/test_guests.py only: the admin Settings tab at /_e2e/settings/{slug}, until
the admin console mounts it. Run as `python -m e2e.settings_server`; the app itself never imports this."""

from __future__ import annotations

import sys

from nicegui import ui

from components.admin_settings import build_settings_tab
from db.workspace_queries import workspace_by_slug
from main import cli
from pages.session import require_user


@ui.page('/_e2e/settings/{slug}')
async def settings_tab(slug: str) -> None:
    user = require_user()
    workspace = workspace_by_slug(slug)
    if user is None or workspace is None or workspace.id is None:
        return
    with ui.column().classes('w-full items-center p-6'):
        build_settings_tab(user.id, workspace.id)


if __name__ in {'__main__', '__mp_main__'}:
    sys.exit(cli(['serve']))
