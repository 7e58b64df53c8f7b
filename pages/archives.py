"""`/archives/{C…}/p{ts}`: Slack's permalink shape (chat.getPermalink answers it) opens the message here.

A logged-in person who may read the message goes to its own permalink page; anyone else gets the same 404
whether the message exists or not, so a link tells nothing about a conversation one cannot read.
"""

from __future__ import annotations

from fastapi.responses import HTMLResponse, RedirectResponse
from nicegui import ui

from api.slack.ids import channel_id_of
from api.slack.permalinks import ts_us_of_p
from db.api_queries import permalink_target
from pages.session import redirect, require_user
from state.render.refs import channel_url

_NOT_FOUND = (
    '<!doctype html><title>Not found</title>'
    '<p data-testid="not-found">Message not found.</p><p><a href="/">Back to your workspaces</a></p>'
)


@ui.page('/archives/{channel}/{p_ts}')
async def slack_permalink_page(channel: str, p_ts: str) -> RedirectResponse | HTMLResponse | None:
    user = require_user()
    if user is None:
        return None  # sent to the log-in page, which comes back here
    channel_id, ts_us = channel_id_of(channel), ts_us_of_p(p_ts)
    target = permalink_target(user.id, channel_id, ts_us) if channel_id is not None and ts_us is not None else None
    if channel_id is None or target is None:
        ui.context.client.delete()
        return HTMLResponse(_NOT_FOUND, status_code=404)
    slug, message_id = target
    return redirect(f'{channel_url(slug, channel_id)}/m/{message_id}')
