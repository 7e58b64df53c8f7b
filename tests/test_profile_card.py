"""The profile card asks again on every open whether the person is in this workspace (the id comes from the
browser), and follows the person's changes while open."""

from __future__ import annotations

from nicegui import ElementFilter, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from components.message_list import MessageList
from state.actions.accounts import sign_up
from state.actions.messages import send_message
from state.actions.profile_fields import ProfileFields, update_profile
from state.actions.workspaces import create_workspace
from tests.page_helpers import RETRIES, open_logged_in
from tests.test_workspace_shell import PASSWORD, setup_workspace


def open_profile(user: User, user_id: object) -> None:
    with user:
        [pane_list] = [e for e in ElementFilter(kind=MessageList) if e.props.get('mode') == 'channel']
    UserInteraction(user, {pane_list}, None).trigger('openProfile', {'id': user_id})  # Vue's name for it


def cards(user: User) -> list[ui.element]:
    with user:
        return [e for e in ElementFilter(kind=ui.card) if e.props.get('data-testid') == 'profile-card']


async def test_only_members_of_the_workspace_get_a_card_and_it_follows_changes(user: User) -> None:
    ada_id, bob_id, general_id, slug = setup_workspace()
    stranger = sign_up('eve@example.com', 'Eve', PASSWORD)
    assert stranger.id is not None
    create_workspace(stranger.id, 'Elsewhere')
    send_message(bob_id, general_id, 'hello', 'c-1')
    await open_logged_in(user, 'ada@example.com', f'/w/{slug}/c/{general_id}')

    for forged in (stranger.id, 10**12, 'x', None, -1):
        open_profile(user, forged)
        assert cards(user) == [], forged
    await user.should_see('That person is not in this workspace.')

    open_profile(user, bob_id)
    [card] = cards(user)
    assert card.props['data-user'] == str(bob_id)
    update_profile(bob_id, ProfileFields('Bob', title='Night shift'))
    await user.should_see('Night shift', retries=RETRIES)
    assert ada_id != bob_id
