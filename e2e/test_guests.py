"""Guests and workspace settings, seen live by two people in two browser contexts.

The server runs `e2e/settings_server.py`: the app plus the admin Settings tab on a page of its own (until the
admin console mounts it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from slack_sdk import WebClient

from e2e.chat_helpers import PASSWORD, create_user, log_in, run_script, unique_workspace
from e2e.conftest import ServerProcess, started
from e2e.helpers import SHOTS


@pytest.fixture(scope='module')
def settings_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with started(tmp_path_factory.mktemp('guests') / 'data', entry=('-m', 'e2e.settings_server')) as process:
        yield process


def test_a_guest_sees_only_their_channel_and_its_people_and_gains_a_channel_live(
    browser: Browser, settings_server: ServerProcess
) -> None:
    server = settings_server
    workspace = unique_workspace()
    ada_email = create_user(server, 'Ada', workspace)  # the owner
    bob_email = create_user(server, 'Bob', workspace)
    create_user(server, 'Cy', workspace)  # only in #general: the guest never learns of Cy
    setup = f'private_channel({workspace!r}, {ada_email!r}, {bob_email!r}, "project")'
    run_script(server, f'from e2e.scenes import private_channel; {setup}')
    gus_email = f'gus-{uuid.uuid4().hex[:6]}@example.com'
    server.run(
        'create-user', '--email', gus_email, '--name', 'Gus', '--password', PASSWORD,
        '--workspace', workspace, '--guest-in', 'project',
    )  # fmt: skip
    ada = log_in(browser, server, 'Ada', ada_email)
    gus = log_in(browser, server, 'Gus', gus_email)

    expect(gus.page.get_by_test_id('channel-name')).to_have_text('#project')  # not #general: not theirs
    expect(gus.page.get_by_test_id('channel-link')).to_have_count(1)
    expect(gus.page.get_by_test_id('browse-channels')).to_be_hidden()
    expect(gus.page.get_by_test_id('create-channel')).to_be_hidden()
    expect(ada.channel_link('general')).to_be_visible()
    expect(ada.channel_link('project')).to_be_visible()

    gus.page.get_by_test_id('open-people').click()
    gus_people = gus.page.get_by_test_id('people-panel').get_by_test_id('presence-item')
    expect(gus_people).to_have_count(3)  # Ada and Bob of #project, and Gus
    expect(gus_people.filter(has_text='Cy')).to_have_count(0)
    ada.page.get_by_test_id('open-people').click()
    expect(ada.page.get_by_test_id('people-panel').get_by_test_id('presence-item')).to_have_count(4)
    ada.open_channel('project')
    ada.send('welcome, Gus')
    expect(gus.message('welcome, Gus')).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    gus.page.screenshot(path=str(SHOTS / 'guests-guest-view.png'))

    # Ada makes #launch and adds Gus (through the Web API: the UI has no "add people" yet); it appears live.
    token = server.run('create-token', '--email', ada_email, '--workspace', workspace).strip()
    client = WebClient(token=token, base_url=f'{server.url}/api/')
    launch = client.conversations_create(name='launch')['channel']['id']
    gus_id = client.users_lookupByEmail(email=gus_email)['user']['id']
    expect(ada.channel_link('launch')).to_be_visible()
    client.conversations_invite(channel=launch, users=gus_id)
    expect(gus.channel_link('launch')).to_be_visible()
    expect(gus.page.get_by_test_id('channel-link')).to_have_count(2)
    ada.open_channel('launch')
    gus.open_channel('launch')
    ada.send('launch day')
    expect(gus.message('launch day')).to_be_visible()
    expect(gus.channel_link('general')).to_have_count(0)  # still not #general
    gus.page.screenshot(path=str(SHOTS / 'guests-guest-gained-channel.png'))


def test_settings_saved_by_the_owner_rename_the_workspace_in_a_members_open_tab(
    browser: Browser, settings_server: ServerProcess
) -> None:
    server = settings_server
    workspace = unique_workspace()
    ada_email = create_user(server, 'Ada', workspace)
    bob_email = create_user(server, 'Bob', workspace)
    ada = log_in(browser, server, 'Ada', ada_email)
    bob = log_in(browser, server, 'Bob', bob_email)
    expect(bob.page.get_by_test_id('workspace-switcher')).to_contain_text(workspace)

    ada.page.goto(f'{server.url}/_e2e/settings/{workspace}')
    settings = ada.page.get_by_test_id('admin-settings')
    expect(settings).to_be_visible()
    ada.page.get_by_test_id('settings-name').fill('Rocket Science')
    ada.page.get_by_test_id('settings-icon').fill(':rocket:')
    ada.page.get_by_test_id('settings-save').click()
    expect(ada.page.get_by_test_id('settings-result')).to_contain_text('Saved')
    expect(bob.page.get_by_test_id('workspace-switcher')).to_contain_text('🚀 Rocket Science')
    SHOTS.mkdir(parents=True, exist_ok=True)
    ada.page.screenshot(path=str(SHOTS / 'guests-settings-tab.png'), full_page=True)

    ada.page.get_by_test_id('settings-edit-window').fill('9999999')
    ada.page.get_by_test_id('settings-save').click()
    expect(ada.page.get_by_test_id('settings-result')).to_contain_text('edit window must be between')
