"""Who is behind this browser: the login session its cookie's storage names, checked against the database.

The raw session token lives in `app.storage.user` (server side, keyed by the signed cookie's id); the database
holds only its hash. Pages, components and the file routes all resolve the user through here. DESIGN rule 8:
call `current_user` while a page is built or a request is handled, never inside callbacks, because inside a
callback that another user's action triggers `app.storage.user` belongs to that other user.
"""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import app

from state.actions.accounts import session_for_token

SESSION_KEY = 'session_token'


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    display_name: str
    session_id: int


def current_user() -> CurrentUser | None:
    """The logged-in user of this page's browser, checked against the database (revoked or expired: None)."""
    token = app.storage.user.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    found = session_for_token(token)
    if found is None:
        return None
    user, session = found
    if user.id is None or session.id is None:
        return None
    return CurrentUser(id=user.id, email=user.email, display_name=user.display_name, session_id=session.id)
