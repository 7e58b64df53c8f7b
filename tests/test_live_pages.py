"""Presence and typing as two simulated users see them in the shell, with time moved by hand (fake clock)."""

from __future__ import annotations

import time
from collections.abc import Callable

from nicegui import ElementFilter, ui
from nicegui.testing import User

from components.composer import Composer
from components.people_panel import PersonRow
from settings import get_settings
from state.actions.profile import set_manual_presence
from state.stores import presence, typing
from tests.page_helpers import RETRIES, open_logged_in
from tests.test_workspace_shell import setup_workspace

PASSWORD = 'a long enough password'


def acme() -> tuple[int, str]:
    ada_id, _bob_id, _general_id, slug = setup_workspace()
    return ada_id, slug


async def open_shell(user: User, email: str, slug: str) -> None:
    await open_logged_in(user, email, f'/w/{slug}')
    await user.should_see('#general', retries=RETRIES)


def rows(user: User) -> dict[str, PersonRow]:
    with user:
        return {row.person.name: row for row in ElementFilter(kind=PersonRow)}


async def test_presence_goes_away_after_idling_and_follows_manual_busy(
    user: User, create_user: Callable[[], User]
) -> None:
    ada_id, slug = acme()
    bob = create_user()
    await open_shell(user, 'ada@example.com', slug)
    await open_shell(bob, 'bob@example.com', slug)
    bob.find(marker='open-people').click()
    ada_row = rows(bob)['Ada']
    assert ada_row.status == 'online'

    presence.store.tick(now=time.time() + get_settings().away_after_seconds + 1)  # nobody touched a key
    assert ada_row.status == 'away'
    set_manual_presence(ada_id, 'busy')
    assert ada_row.status == 'busy'
    set_manual_presence(ada_id, None)
    presence.store.activity(ada_id)
    assert ada_row.status == 'online'


async def test_typing_shows_for_the_other_user_and_expires_without_renewal(
    user: User, create_user: Callable[[], User]
) -> None:
    _, slug = acme()
    bob = create_user()
    await open_shell(user, 'ada@example.com', slug)
    await open_shell(bob, 'bob@example.com', slug)
    with bob:
        bob_line = next(iter(ElementFilter(kind=ui.label, marker='typing-indicator')))
    user.find(kind=Composer).trigger('typing', {'typing': True})
    await bob.should_see('Ada is typing…')
    with user:
        own = [label.text for label in ElementFilter(kind=ui.label, marker='typing-indicator')]
    assert 'Ada is typing…' not in own  # never one's own

    typing.store.tick(now=time.monotonic() + 16)  # Ada's tab vanished: no renewal within 15 s
    await bob.should_not_see('Ada is typing…')
    assert bob_line.text == ''
