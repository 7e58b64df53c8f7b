"""The browser tells its time zone once, on a tab's first connect, for people who have none on their profile."""

from __future__ import annotations

import logging

from nicegui import Client

from db.engine import read_session
from db.models import User
from state.actions.profile_fields import set_time_zone_if_unknown
from state.blocking import off_loop
from state.errors import ActionError

log = logging.getLogger(__name__)
_ASK = 'Intl.DateTimeFormat().resolvedOptions().timeZone'  # a constant: no user data goes into the page


async def report_time_zone(client: Client, user_id: int) -> None:
    """Runs as a background task: the tab is named (`client`), there is no slot to find it from."""
    if await off_loop(_has_time_zone, user_id):
        return  # nearly every tab: no round trip to the browser, no write
    try:
        answer = await client.run_javascript(_ASK, timeout=5)
    except TimeoutError:
        return  # the tab went away; the next one asks again
    if not isinstance(answer, str) or len(answer) > 64:
        return
    try:
        await off_loop(set_time_zone_if_unknown, user_id, answer)
    except ActionError as error:  # a zone this server's tzdata does not know: the person can pick one by hand
        log.info('time zone %r from the browser not kept: %s', answer, error.message)


def _has_time_zone(user_id: int) -> bool:
    with read_session() as session:
        user = session.get(User, user_id)
        return user is None or bool(user.time_zone)
