"""What a person may no longer see stops at once in every tab they have open."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in, run_script, unique_workspace
from e2e.conftest import ServerProcess


def test_leaving_a_private_channel_closes_it_in_the_other_tab_at_once(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    ada_email = create_user(server, 'Ada', workspace)
    bob_email = create_user(server, 'Bob', workspace)
    setup = f'private_channel({workspace!r}, {ada_email!r}, {bob_email!r}, "plans")'
    run_script(server, f'from e2e.scenes import private_channel; {setup}')
    ada = log_in(browser, server, 'Ada', ada_email)
    bob = log_in(browser, server, 'Bob', bob_email)
    ada.open_channel('plans')
    bob.open_channel('plans')
    ada.send('before Bob left')
    expect(bob.message('before Bob left')).to_be_visible()

    second = bob.context.new_page()  # Bob leaves from another tab
    second.goto(bob.page.url)
    expect(second.get_by_test_id('channel-name')).to_have_text('#plans')
    second.get_by_test_id('channel-menu').click()
    second.get_by_test_id('leave-channel').click()

    expect(bob.page.get_by_test_id('not-found')).to_have_text('Channel not found.')
    expect(bob.channel_link('plans')).to_have_count(0)
    ada.send('after Bob left')
    expect(ada.message('after Bob left')).to_have_attribute('data-pending', 'false')
    expect(bob.page.get_by_text('after Bob left')).to_have_count(0)
    expect(bob.page.get_by_text('before Bob left')).to_have_count(0)  # the pane was emptied, not only hidden
