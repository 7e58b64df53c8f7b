"""Composer conveniences, permalinks and channel administration, seen from real browsers."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import ChatUser, create_user, log_in, run_script, unique_workspace
from e2e.conftest import ServerProcess


def admin_and_member(browser: Browser, server: ServerProcess) -> tuple[ChatUser, ChatUser]:
    workspace = unique_workspace()
    ada = create_user(server, 'Ada', workspace, admin=True)
    bob = create_user(server, 'Bob', workspace)
    return log_in(browser, server, 'Ada', ada), log_in(browser, server, 'Bob', bob)


def create_channel(user: ChatUser, name: str) -> None:
    user.page.get_by_test_id('create-channel').click()
    user.page.get_by_test_id('channel-name-input').fill(name)
    user.page.get_by_test_id('channel-create-submit').click()
    expect(user.page.get_by_test_id('channel-name')).to_have_text(f'#{name}')


def test_drafts_up_arrow_edit_and_autocomplete(browser: Browser, server: ServerProcess) -> None:
    ada, bob = admin_and_member(browser, server)
    create_channel(ada, 'drafts')
    ada.open_channel('general')

    ada.composer().fill('half-written thought')
    ada.open_channel('drafts')
    expect(ada.composer()).to_have_value('')  # each conversation has its own draft
    ada.open_channel('general')
    expect(ada.composer()).to_have_value('half-written thought')

    ada.composer().fill('')
    ada.send('first version')
    # Shown at once from the browser's outbox; Up edits it once the server has stored it.
    expect(ada.message('first version')).to_have_attribute('data-pending', 'false')
    ada.composer().press('ArrowUp')  # in an empty composer: edit the last own message
    edit = ada.page.get_by_test_id('edit-input')
    expect(edit).to_have_value('first version')
    edit.fill('second version')
    edit.press('Enter')
    expect(bob.message('second version').get_by_test_id('message-edited')).to_be_visible()

    ada.composer().press_sequentially('hi @Bo')
    option = ada.page.locator('.chat-main [data-testid=autocomplete-option]').filter(has_text='@Bob')
    expect(option).to_be_visible()
    ada.composer().press('Enter')  # picks the suggestion rather than sending
    expect(ada.composer()).to_have_value('hi @Bob ')
    ada.composer().press_sequentially(':tad')
    expect(ada.page.locator('.chat-main [data-testid=autocomplete-option]').first).to_contain_text(':tada:')
    ada.composer().press('Enter')
    ada.composer().press('Enter')
    mention = bob.message('hi @Bob').locator('.mention')
    expect(mention).to_have_text('@Bob')
    expect(bob.message('hi @Bob')).to_contain_text('🎉')


def test_a_permalink_opens_the_message_highlighted(browser: Browser, server: ServerProcess) -> None:
    ada, bob = admin_and_member(browser, server)
    ada.send('the decision we took')
    expect(ada.message('the decision we took')).not_to_have_attribute('data-message-id', '')
    message_id = ada.message('the decision we took').get_attribute('data-message-id')
    slug = re.search(r'/w/([^/]+)', ada.page.url)
    channel_id = ada.page.locator('.chat-side-link--active').get_attribute('data-channel-id')
    assert slug is not None and channel_id is not None and message_id
    run_script(  # push it out of the newest page (sent by the test, in bulk)
        server, f'from e2e.history import fill_general; fill_general({slug.group(1)!r}, {ada.email!r}, 55, "chatter")'
    )

    bob.page.goto(f'{server.url}/w/{slug.group(1)}/c/{channel_id}/m/{message_id}')
    highlighted = bob.page.locator('.chat-msg--highlight')
    expect(highlighted).to_contain_text('the decision we took')
    expect(highlighted).to_be_in_viewport()


def test_archiving_makes_a_channel_read_only_for_everyone_live(browser: Browser, server: ServerProcess) -> None:
    ada, bob = admin_and_member(browser, server)
    create_channel(ada, 'old-project')
    ada.send('wrapping up')
    bob.page.get_by_test_id('browse-channels').click()
    bob.page.locator('[data-testid=browse-channel][data-channel=old-project]').get_by_role('button').click()
    bob.page.get_by_test_id('join-channel').click()
    expect(bob.composer()).to_be_visible()

    ada.page.get_by_test_id('channel-menu').click()
    ada.page.get_by_test_id('archive-channel').click()
    expect(bob.page.get_by_test_id('channel-archived')).to_be_visible()
    expect(bob.page.locator('.chat-main [data-testid=composer-readonly]')).to_be_visible()
    expect(bob.message('wrapping up')).to_be_visible()  # still readable

    ada.page.get_by_test_id('channel-menu').click()
    ada.page.get_by_test_id('unarchive-channel').click()
    expect(bob.composer()).to_be_visible()
    bob.send('back in business')
    expect(ada.message('back in business')).to_be_visible()
