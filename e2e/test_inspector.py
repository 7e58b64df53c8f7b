"""The live inspector in real browsers: a server admin watches a second person's tab appear when that person opens
the workspace in another browser context, and go when they close it; anyone else gets a plain not found."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess
from e2e.helpers import SHOTS

GONE_TIMEOUT_MS = 20_000  # the reconnect timeout (5 s in the e2e server) plus a push or two


def test_the_inspector_shows_another_users_tab_appear_and_go_live(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    op_email = create_user(server, 'Opal', workspace)
    server.run('grant-server-admin', '--email', op_email)
    bob_email = create_user(server, 'Bobby', workspace)

    op = log_in(browser, server, 'Opal', op_email)
    op.page.goto(f'{server.url}/admin/live')
    tabs = op.page.get_by_test_id('inspector-tabs')
    expect(tabs).to_be_visible()
    expect(op.page.get_by_test_id('inspector-bus')).to_contain_text('in-process, connected')
    expect(tabs).not_to_contain_text('Bobby')

    bob = log_in(browser, server, 'Bobby', bob_email)  # lands in the workspace: its tab connects
    bob_row = tabs.locator('tr').filter(has_text='Bobby')
    expect(bob_row).to_have_count(1)
    expect(bob_row).to_contain_text(re.compile(r'/w/ws[0-9a-f]+'))
    expect(op.page.get_by_test_id('inspector-topics')).to_contain_text('channel:')
    expect(op.page.get_by_test_id('inspector-presence')).to_contain_text('Bobby')

    bob.send('typing and sending')  # a browser event: the row's "last event" moves
    expect(bob_row).to_contain_text(re.compile(r'\d+ s ago'))
    SHOTS.mkdir(parents=True, exist_ok=True)
    op.page.screenshot(path=str(SHOTS / 'inspector-live.png'), full_page=True)

    bob.context.close()
    expect(tabs.locator('tr').filter(has_text='Bobby')).to_have_count(0, timeout=GONE_TIMEOUT_MS)
    op.context.close()


def test_a_person_who_is_no_server_admin_gets_not_found(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    email = create_user(server, 'Owner', workspace)  # owns a workspace, which makes nobody a server admin
    owner = log_in(browser, server, 'Owner', email)
    response = owner.page.goto(f'{server.url}/admin/live')
    assert response is not None and response.status == 404
    expect(owner.page.get_by_test_id('inspector-tabs')).to_have_count(0)
    owner.context.close()
