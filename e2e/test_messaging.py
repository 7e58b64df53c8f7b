"""Messaging in real browsers: each user is a separate browser context, and sees the others live."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import ChatUser, create_user, log_in, run_script, unique_workspace
from e2e.conftest import ServerProcess


def two_users(browser: Browser, server: ServerProcess) -> tuple[ChatUser, ChatUser, str]:
    workspace = unique_workspace()
    ada_email = create_user(server, 'Ada', workspace, admin=True)
    bob_email = create_user(server, 'Bob', workspace)
    return log_in(browser, server, 'Ada', ada_email), log_in(browser, server, 'Bob', bob_email), workspace


def test_message_edit_delete_reaction_and_thread_reply_are_live(browser: Browser, server: ServerProcess) -> None:
    ada, bob, _ = two_users(browser, server)
    ada.send('Hello from **Ada**')
    expect(bob.message('Hello from Ada')).to_be_visible()
    expect(bob.message('Hello from Ada').locator('strong')).to_have_text('Ada')  # rendered on the server

    bob.send('Hi Ada, tpyo here')
    expect(ada.message('tpyo here')).to_be_visible()
    bob.message('tpyo here').hover()
    bob.message('tpyo here').get_by_test_id('action-edit').click()
    bob.page.get_by_test_id('edit-input').fill('Hi Ada, typo fixed')
    bob.page.get_by_test_id('edit-input').press('Enter')
    expect(ada.message('typo fixed')).to_be_visible()
    expect(ada.message('typo fixed').get_by_test_id('message-edited')).to_be_visible()

    target = bob.message('Hello from Ada')
    target.hover()
    target.get_by_test_id('action-react').click()
    picker = bob.page.get_by_test_id('emoji-picker')
    expect(picker).to_be_visible()
    picker.get_by_test_id('emoji-search').fill('tada')
    picker.locator('[data-testid=emoji-option][data-emoji=tada]').click()
    chip = ada.message('Hello from Ada').locator('[data-testid=reaction][data-emoji=tada]')
    expect(chip).to_have_attribute('data-count', '1')
    chip.click()  # Ada joins the reaction: the count aggregates for both
    expect(bob.message('Hello from Ada').locator('[data-testid=reaction][data-emoji=tada]')).to_have_attribute(
        'data-count', '2'
    )

    target.hover()
    target.get_by_test_id('action-thread').click()
    panel = bob.page.get_by_test_id('thread-panel')
    expect(panel).to_be_visible()
    panel.get_by_test_id('composer').fill('A reply in the thread')
    panel.get_by_test_id('composer').press('Enter')
    summary = ada.message('Hello from Ada').get_by_test_id('reply-count')
    expect(summary).to_have_attribute('data-count', '1')
    summary.click()
    expect(ada.page.get_by_test_id('thread-panel').get_by_text('A reply in the thread')).to_be_visible()

    bob.message('typo fixed').hover()
    bob.message('typo fixed').get_by_test_id('action-delete').click()
    bob.page.get_by_test_id('delete-confirm-yes').click()
    expect(ada.message('typo fixed')).to_have_count(0)
    expect(ada.message('Hello from Ada')).to_be_visible()


def test_direct_message_reaches_only_its_members(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    emails = {name: create_user(server, name, workspace) for name in ('Ada', 'Bob', 'Cy')}
    ada = log_in(browser, server, 'Ada', emails['Ada'])
    bob = log_in(browser, server, 'Bob', emails['Bob'])
    cy = log_in(browser, server, 'Cy', emails['Cy'])

    ada.page.get_by_test_id('new-dm').click()
    ada.page.get_by_test_id('dm-people').click()
    ada.page.get_by_role('option', name='Bob').click()
    ada.page.keyboard.press('Escape')
    ada.page.get_by_test_id('dm-start').click()
    expect(ada.page.get_by_test_id('channel-name')).to_have_text('Bob')
    expect(ada.page).to_have_url(re.compile(r'/w/[^/]+/c/\d+$'))  # the URL follows the open conversation
    dm_url = ada.page.url
    ada.send('just between us')

    dm_link = bob.page.locator('[data-testid=channel-link]').filter(has_text='Ada')
    expect(dm_link.get_by_test_id('unread-count')).to_have_text('1')
    dm_link.click()
    expect(bob.message('just between us')).to_be_visible()

    expect(cy.page.locator('[data-testid=channel-link]').filter(has_text='Ada')).to_have_count(0)
    cy.page.goto(dm_url)
    expect(cy.page.get_by_test_id('not-found').filter(has_text='not found')).to_be_visible()
    expect(cy.page.get_by_text('just between us')).to_have_count(0)


def test_unread_counts_and_new_messages_divider(browser: Browser, server: ServerProcess) -> None:
    ada, bob, _ = two_users(browser, server)
    ada.page.get_by_test_id('create-channel').click()
    ada.page.get_by_test_id('channel-name-input').fill('design')
    ada.page.get_by_test_id('channel-create-submit').click()
    expect(ada.page.get_by_test_id('channel-name')).to_have_text('#design')
    ada.send('before bob joined')

    bob.page.get_by_test_id('browse-channels').click()
    bob.page.locator('[data-testid=browse-channel][data-channel=design]').get_by_role('button').click()
    bob.page.get_by_test_id('join-channel').click()
    expect(bob.message('before bob joined')).to_be_visible()
    bob.open_channel('general')

    for i in range(3):
        ada.send(f'unread number {i}')
    link = bob.channel_link('design')
    expect(link.get_by_test_id('unread-count')).to_have_text('3')
    expect(link).to_have_attribute('data-unread', '3')

    bob.open_channel('design')
    divider = bob.page.get_by_test_id('new-messages-divider')
    expect(divider).to_be_visible()
    # The divider sits right above the first unread message.
    first_after = bob.page.locator('[data-testid=new-messages-divider] + [data-testid=message]')
    expect(first_after).to_contain_text('unread number 0')
    expect(link.get_by_test_id('unread-count')).to_be_hidden()

    bob.open_channel('general')
    expect(link).to_have_attribute('data-unread', '0')


def test_scrolling_up_loads_older_pages_and_keeps_position(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    email = create_user(server, 'Ada', workspace)
    run_script(
        server,
        f'from e2e.history import fill_general; fill_general({workspace!r}, {email!r}, 1000)',
    )
    ada = log_in(browser, server, 'Ada', email)
    messages = ada.channel_list().get_by_test_id('message')
    expect(ada.message('history 999')).to_be_visible()
    expect(messages).to_have_count(50)

    scroller = ada.channel_list()
    for expected_oldest in (950, 900, 850):
        anchor = ada.message(f'history {expected_oldest} ')
        scroller.evaluate('el => { el.scrollTop = 0; el.dispatchEvent(new Event("scroll")); }')
        expect(ada.message(f'history {expected_oldest - 50} ')).to_have_count(1)
        # The message that was at the top is still in view: the list did not jump to the new top.
        box = anchor.bounding_box()
        view = scroller.bounding_box()
        assert box is not None and view is not None
        assert view['y'] - 5 <= box['y'] <= view['y'] + view['height'], (box, view)
    assert re.search(r'/w/', ada.page.url)
