"""/ sends each visitor where they belong: log in, create a first workspace, or the last workspace they used."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from db.workspace_queries import workspaces_for_user
from pages.session import LAST_WORKSPACE_KEY, current_user, redirect


@ui.page('/')
def home_page() -> RedirectResponse:
    user = current_user()
    if user is None:
        return redirect('/login')
    workspaces = workspaces_for_user(user.id)
    if not workspaces:
        return redirect('/new-workspace')
    last = app.storage.user.get(LAST_WORKSPACE_KEY)
    slug = next((w.slug for w in workspaces if w.slug == last), workspaces[0].slug)
    return redirect(f'/w/{slug}')
