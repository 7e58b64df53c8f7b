"""The Settings tab (the admin console mounts it): it shows the stored settings, saves through the action, and
shows the action's sentence when a value is refused."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from components.admin_settings import build_settings_tab
from db.workspace_queries import workspace_by_id
from db.workspace_settings_queries import workspace_settings
from tests.factories import make_user, make_workspace
from tests.page_helpers import handlers_done


async def test_the_settings_tab_saves_and_shows_refusals(user: User) -> None:
    owner = make_user('Olga')
    workspace = make_workspace(owner)
    owner_id, workspace_id = int(owner.id or 0), int(workspace.id or 0)

    @ui.page('/_test/admin-settings')
    def page() -> None:  # until the admin console mounts the tab (a route of this test only)
        build_settings_tab(owner_id, workspace_id)

    await user.open('/_test/admin-settings')
    await user.should_see(marker='admin-settings')
    user.find('settings-name').clear().type('Acme Labs')
    user.find('settings-icon').clear().type(':rocket:')
    user.find('settings-edit-window').clear().type('15')
    user.find('settings-save').click()
    await handlers_done()
    await user.should_see('Saved: ')
    found = workspace_by_id(workspace_id)
    assert found is not None and found.name == 'Acme Labs'
    stored = workspace_settings(workspace_id)
    assert (stored.icon_emoji, stored.edit_window_minutes) == ('🚀', 15)

    user.find('settings-icon').clear().type('definitely not an emoji')
    user.find('settings-save').click()
    await handlers_done()
    await user.should_see('is not an emoji')
    assert workspace_settings(workspace_id).icon_emoji == '🚀'  # a refusal changes nothing
