"""What a person may no longer see stops at once in the tabs they have open: after leaving a channel, after
the session ends (log-out elsewhere, expiry). Checked on the server, whatever the browser does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from nicegui import Client, ui
from nicegui.testing import User

from components.message_list import MessageList
from db import channel_queries, paging
from db.models import UserSession, utcnow
from state.actions.accounts import SESSION_MAX_AGE, end_expired_sessions, end_session
from state.actions.channels import create_channel, invite_to_channel, join_channel, leave_channel
from state.actions.messages import send_message
from state.events import SessionEnded
from state.web_session import COOKIE_TOKEN_KEY
from tests.factories import RecordingBackend, count_rows, update_row
from tests.page_helpers import RETRIES, browser_cookie, eventually, handlers_done, open_logged_in
from tests.test_workspace_shell import message_lists, open_as, setup_workspace


async def test_leaving_a_private_channel_empties_the_open_pane_and_refuses_its_events(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada_id, bob_id, general_id, slug = setup_workspace()
    workspace_id = channel_queries.channel_view(general_id).workspace_id  # type: ignore[union-attr]
    secret = create_channel(ada_id, workspace_id, 'secret', private=True)
    invite_to_channel(ada_id, secret.id, bob_id)
    first = send_message(ada_id, secret.id, 'before you left', 'c-1')
    await open_logged_in(user, 'bob@example.com', f'/w/{slug}/c/{secret.id}')
    await user.should_see('#secret', retries=RETRIES)
    [listing] = message_lists(user)
    assert listing.newest_id == first.id

    leave_channel(bob_id, secret.id)  # from another tab, or removed: the event reaches this one
    await user.should_see('Channel not found.', retries=RETRIES)
    send_message(ada_id, secret.id, 'after you left', 'c-2')
    assert listing.newest_id == 0  # emptied, and the new message did not arrive

    paged: list[int] = []

    def record(channel_id: int, *_args: object, **_kwargs: object) -> list[object]:
        paged.append(channel_id)
        return []

    monkeypatch.setattr(paging, 'messages_before', record)
    monkeypatch.setattr(paging, 'latest_messages', record)
    # A browser that ignores the server may still show the list and send its events: they must do nothing.
    with user:
        element: ui.element | None = listing
        while element is not None:
            element.set_visibility(True)
            element = element.parent_slot.parent if element.parent_slot is not None else None
    user.find(kind=MessageList).trigger('load-older', {'before_id': first.id})
    user.find(kind=MessageList).trigger('jump-latest', {})
    await handlers_done()
    assert paged == []


async def test_leaving_a_public_channel_keeps_it_open_as_a_preview(user: User) -> None:
    ada_id, bob_id, general_id, slug = setup_workspace()
    workspace_id = channel_queries.channel_view(general_id).workspace_id  # type: ignore[union-attr]
    lounge = create_channel(ada_id, workspace_id, 'lounge')
    join_channel(bob_id, lounge.id)
    await open_logged_in(user, 'bob@example.com', f'/w/{slug}/c/{lounge.id}')
    await user.should_see('#lounge', retries=RETRIES)
    leave_channel(bob_id, lounge.id)
    await user.should_see('Join channel', retries=RETRIES)
    send_message(ada_id, lounge.id, 'still visible to the workspace', 'c-3')
    await eventually(lambda: message_lists(user)[0].newest_id > 0)


async def test_a_tab_whose_session_ended_loses_its_server_side_client(
    user: User, create_user: Callable[[], User]
) -> None:
    _, _, _, slug = setup_workspace()
    await open_as(user, 'ada@example.com', f'/w/{slug}')
    assert user.client is not None
    client: Client = user.client
    token = browser_cookie(user)[COOKIE_TOKEN_KEY]
    end_session(token)  # log-out in another tab of this browser
    await eventually(lambda: client.is_deleted, timeout=5)


def test_expired_sessions_end_like_a_log_out(db: None, published: RecordingBackend) -> None:
    from state.actions.accounts import sign_up, start_session

    ada = sign_up('ada@example.com', 'Ada', 'a long enough password')
    _, old = start_session(ada.id or 0)
    _, fresh = start_session(ada.id or 0)
    update_row(UserSession, old.id, created_at=utcnow() - SESSION_MAX_AGE - timedelta(minutes=1))
    assert end_expired_sessions() == 1
    assert [event.session_id for _, event in published.of_type(SessionEnded)] == [old.id]
    assert count_rows(UserSession, revoked_at=None) == 1  # the fresh one
    assert end_expired_sessions() == 0
    assert fresh.id is not None
