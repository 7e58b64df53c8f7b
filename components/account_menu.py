"""The account buttons the workspace shell places in its header: edit your profile, log out."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from state.actions.accounts import end_session
from state.web_session import browser_id, forget_browser, session_token


def logout_button() -> ui.button:
    """Call while the page is built: it captures this browser's id and token then (DESIGN rule 8).

    Logging out revokes the session in the database, which sends every open tab of it to /login
    (`watch_session_end`), and removes this browser's user storage from the server (file and memory).
    """
    browser, token = browser_id(), session_token()

    def log_out() -> None:
        if token is not None:
            end_session(token)
        forget_browser(browser)
        ui.navigate.to('/login')

    return ui.button('Log out', icon='logout', on_click=log_out).props('flat no-caps data-testid=logout').mark('logout')


def profile_button(on_click: Callable[[], None]) -> ui.button:
    """Opens your own profile editor (components/profile_edit.py)."""
    button = ui.button(icon='account_circle', on_click=on_click).props('flat data-testid=open-profile-edit')
    return button.props('title="Edit your profile"').mark('open-profile-edit')
