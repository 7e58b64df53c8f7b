"""The logout button the workspace shell places in its header."""

from __future__ import annotations

from nicegui import app, ui

from state.actions.accounts import end_session
from state.web_session import SESSION_KEY


def logout_button() -> ui.button:
    """Call while the page is built: it captures this browser's storage and token then (DESIGN rule 8).

    Logging out revokes the session in the database, which sends every open tab of it to /login
    (`watch_session_end`), and empties this browser's user storage.
    """
    storage = app.storage.user
    token = storage.get(SESSION_KEY)

    def log_out() -> None:
        if isinstance(token, str):
            end_session(token)
        storage.clear()
        ui.navigate.to('/login')

    return ui.button('Log out', icon='logout', on_click=log_out).props('flat no-caps data-testid=logout').mark('logout')
