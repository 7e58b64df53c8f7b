"""Channel membership, pins and saved items, live between two people (one browser context each)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import ChatUser, create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess
from e2e.helpers import SHOTS


def _message_action(user: ChatUser, text: str, action: str) -> None:
    row = user.message(text)
    row.hover()
    row.get_by_test_id(action).click()


def test_members_pins_and_saved_items_live(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    ada_email, bob_email = create_user(server, 'Ada', workspace), create_user(server, 'Bob', workspace)
    ada = log_in(browser, server, 'Ada', ada_email)
    bob = log_in(browser, server, 'Bob', bob_email)

    # Ada makes a private channel: only she is in it.
    ada.page.get_by_test_id('create-channel').click()
    ada.page.get_by_test_id('channel-name-input').fill('ops')
    ada.page.get_by_test_id('channel-private').click()
    ada.page.get_by_test_id('channel-create-submit').click()
    expect(ada.page.get_by_test_id('channel-name')).to_have_text('#ops')
    expect(ada.page.get_by_test_id('channel-members-button')).to_have_attribute('data-count', '1')
    expect(bob.channel_link('ops')).to_have_count(0)

    # She adds Bob from the members list; his sidebar gains the channel at once, her list shows him.
    ada.page.get_by_test_id('channel-members-button').click()
    members = ada.page.get_by_test_id('channel-members')
    expect(members.get_by_test_id('channel-member')).to_have_count(1)
    ada.page.get_by_test_id('add-members').click()
    ada.page.get_by_role('option', name='Bob').click()
    ada.page.keyboard.press('Escape')  # closes the options, not the dialog
    ada.page.get_by_test_id('add-members-submit').click()
    expect(bob.channel_link('ops')).to_be_visible()
    expect(members.get_by_test_id('channel-member')).to_have_count(2)
    bob_row = members.get_by_test_id('channel-member').filter(has_text='Bob')
    expect(bob_row.get_by_test_id('remove-member')).to_be_visible()  # the creator may remove people
    ada.page.screenshot(path=f'{SHOTS}/chanpins-members.png')
    ada.page.keyboard.press('Escape')
    expect(ada.page.get_by_test_id('channel-members-button')).to_have_attribute('data-count', '2')

    bob.open_channel('ops')
    expect(bob.page.get_by_test_id('channel-members-button')).to_have_attribute('data-count', '2')
    expect(bob.page.get_by_test_id('pinned-count')).to_have_attribute('data-count', '0')

    # Ada pins a message: Bob's count, marker and pinned list follow live.
    ada.send('the runbook is in the wiki')
    expect(bob.message('the runbook is in the wiki')).to_be_visible()
    bob.page.get_by_test_id('pinned-count').click()
    pinned = bob.page.get_by_test_id('pinned-list')
    expect(pinned).to_contain_text('Nothing is pinned')
    _message_action(ada, 'the runbook is in the wiki', 'action-pin')
    expect(bob.page.get_by_test_id('pinned-count')).to_have_attribute('data-count', '1')
    expect(pinned.get_by_test_id('pinned-item')).to_have_count(1)
    expect(pinned).to_contain_text('the runbook is in the wiki')
    bob.page.screenshot(path=f'{SHOTS}/chanpins-pinned.png')
    bob.page.keyboard.press('Escape')
    expect(bob.message('the runbook is in the wiki').get_by_test_id('pinned-marker')).to_be_visible()

    # Bob saves it in one tab; his second tab's saved list shows it at once.
    second = bob.context.new_page()
    second.goto(bob.page.url)
    expect(second.get_by_test_id('channel-name')).to_have_text('#ops')
    second.get_by_test_id('open-saved').click()
    saved = second.get_by_test_id('saved-list')
    expect(saved).to_contain_text('Nothing saved')
    _message_action(bob, 'the runbook is in the wiki', 'action-save')
    expect(saved.get_by_test_id('saved-item')).to_have_count(1)
    expect(saved).to_contain_text('the runbook is in the wiki')
    expect(
        second.locator('[data-testid=message]').filter(has_text='the runbook').get_by_test_id('saved-marker')
    ).to_be_visible()
    saved.get_by_test_id('saved-done').click()
    expect(saved.get_by_test_id('saved-item')).to_have_attribute('data-done', 'true')
    second.screenshot(path=f'{SHOTS}/chanpins-saved.png')

    # Ada removes Bob: his open tabs lose the channel, and his saved list drops what he can no longer read.
    ada.page.get_by_test_id('channel-members-button').click()
    ada.page.get_by_test_id('channel-members').get_by_test_id('channel-member').filter(has_text='Bob').get_by_test_id(
        'remove-member'
    ).click()
    expect(bob.page.get_by_test_id('not-found')).to_have_text('Channel not found.')
    expect(bob.channel_link('ops')).to_have_count(0)
    expect(bob.page.get_by_text('the runbook is in the wiki')).to_have_count(0)
    expect(saved.get_by_test_id('saved-item')).to_have_count(0)
    expect(ada.page.get_by_test_id('channel-members').get_by_test_id('channel-member')).to_have_count(1)
    expect(ada.page.get_by_test_id('channel-members-button')).to_have_attribute('data-count', '1')
