"""An app's events URL: checking it with url_verification (after creating the app or changing the URL), and
changing it. The check runs outside any transaction (up to 3 s on the network) and then records its answer."""

from __future__ import annotations

import httpx

from db.engine import read_session
from db.models import App, utcnow
from state.actions.apps import APP_NOT_FOUND, app_for_admin, clean_events_url
from state.errors import NotFound
from state.integrations.url_verification import answers_challenge
from state.unit_of_work import unit_of_work


def verify_events_url(app_id: int, client: httpx.Client | None = None) -> bool | None:
    """Send url_verification to the app's events URL and record whether it answered; None when it has none.

    No actor: it is the follow-up of `create_app` / `set_events_url`, which authorized the change."""
    with read_session() as session:
        app = session.get(App, app_id)
        if app is None:
            raise NotFound(APP_NOT_FOUND)
        url, secret = app.events_url, app.signing_secret
    if not url:
        return None
    verified = answers_challenge(url, secret, client)
    with unit_of_work() as uow:
        row = uow.session.get(App, app_id)
        if row is not None and row.events_url == url:  # the URL did not change meanwhile
            row.url_verified = verified
            row.url_checked_at = utcnow()
            uow.session.add(row)
    return verified


def set_events_url(actor_id: int, app_id: int, events_url: str) -> bool | None:
    """Owners and admins point an app somewhere else; the new URL is verified at once."""
    url = clean_events_url(events_url)
    with unit_of_work() as uow:
        app = app_for_admin(uow.session, actor_id, app_id)
        app.events_url = url
        app.url_verified = None
        app.url_checked_at = None
        uow.session.add(app)
    return verify_events_url(app_id)
