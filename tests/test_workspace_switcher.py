"""The workspace switcher in the shell lists exactly the user's workspaces and switches between them."""

from __future__ import annotations

from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from state.actions.accounts import sign_up
from state.actions.workspaces import create_workspace
from tests.page_helpers import RETRIES, current_path, eventually, log_in_via_page

PASSWORD = 'correct horse battery'


async def test_switcher_lists_own_workspaces_and_switches(user: User) -> None:
    ada = sign_up('ada@example.com', 'Ada', PASSWORD)
    eve = sign_up('eve@example.com', 'Eve', PASSWORD)
    assert ada.id is not None and eve.id is not None
    create_workspace(ada.id, 'Alpha')
    create_workspace(ada.id, 'Zeta')
    create_workspace(eve.id, 'Secret Plans')
    await log_in_via_page(user, 'ada@example.com', PASSWORD, path='/login?next=/w/alpha')
    await user.should_see(marker='workspace-switcher', retries=RETRIES)
    await user.should_not_see(marker='workspace-item')  # the menu fills when it opens
    user.find(marker='workspace-menu').trigger('beforeShow')  # NiceGUI keeps Vue's name of the event

    items = user.find(marker='workspace-item').elements
    assert sorted(item.props['data-workspace'] for item in items) == ['alpha', 'zeta']
    await user.should_not_see('Secret Plans')

    [zeta] = [item for item in items if item.props['data-workspace'] == 'zeta']
    UserInteraction(user, {zeta}, None).click()  # the name is in a child section, so click the item itself
    await eventually(lambda: current_path(user).startswith('/w/zeta'))
