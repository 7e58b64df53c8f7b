"""Page-side session helpers: require a logged-in user (or send the tab to /login), end a tab whose session
ended, and safe redirects. Who the user is comes from `state/web_session.py` (shared with components and the
file routes); resolve it while the page is built, never inside callbacks (DESIGN rule 8).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from fastapi.responses import RedirectResponse
from nicegui import Client, ui

from hardening import log_context
from state.bus import bus, user_topic
from state.events import Event, SessionEnded
from state.web_session import CurrentUser, current_user

LAST_WORKSPACE_KEY = 'last_workspace'  # slug of the workspace the shell showed last
SESSION_END_GRACE_SECONDS = 1.0  # time for the redirect to reach the browser before its client is deleted


def require_user() -> CurrentUser | None:
    """The current user; when there is none, send the tab to the login page (coming back here) and return None."""
    user = current_user()
    if user is None:
        ui.navigate.to(login_url(_current_path()))
    else:
        log_context.bind(user=user.id)  # this request's log lines (the access line too) name the user
    return user


def watch_session_end(user: CurrentUser) -> None:
    """End this tab when its session ends (log-out in any tab, expiry): send it to the log-in page, then
    delete its server-side client, so a tab that ignores the redirect can neither act nor receive anything."""

    # Captured now: NiceGUI's simulated test users swap `ui.navigate` per user, and the logout that triggers this
    # runs as another tab. In a real server it is one object that acts on the client of the slot we run in.
    navigate = ui.navigate
    client = ui.context.client

    def on_event(event: Event) -> None:
        if isinstance(event, SessionEnded) and event.session_id == user.session_id:
            navigate.to('/login')
            # The redirect goes out with the next outbox flush; then nothing of this tab is left on the server.
            asyncio.get_running_loop().call_later(SESSION_END_GRACE_SECONDS, _delete, client)

    bus.subscribe(user_topic(user.id), on_event)


def _delete(client: Client) -> None:
    if not client.is_deleted:
        client.delete()


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else '/': no open redirect through ?next=.

    Rejects scheme-relative URLs (`//evil`, `/\\evil`, which browsers read as `//evil`) and control characters
    and whitespace (browsers drop tabs and newlines, which would turn `/\t/evil` into `//evil`).
    """
    if not target or not target.startswith('/') or target.startswith(('//', '/\\')):
        return '/'
    if any(ch <= ' ' or ch == '\x7f' or ch == '\\' for ch in target):
        return '/'
    return target


def login_url(next_path: str | None = None) -> str:
    target = safe_next(next_path)
    return '/login' if target == '/' else '/login?' + urlencode({'next': target})


def redirect(path: str) -> RedirectResponse:
    """A plain HTTP redirect from a page builder; the page's client is dropped at once instead of idling."""
    ui.context.client.delete()
    return RedirectResponse(path, status_code=303)


def _current_path() -> str:
    url = ui.context.client.request.url
    return url.path + (f'?{url.query}' if url.query else '')
