"""Message search seen from real browsers: finding a colleague's message, opening it, and privacy."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import ChatUser, create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess

SHOTS = Path(os.environ.get('CHAT_E2E_SCREENSHOTS', '/tmp/teamchat-e2e-shots'))


def search(user: ChatUser, text: str) -> None:
    box = user.page.get_by_test_id('search-input')
    box.fill(text)
    box.press('Enter')
    expect(user.page.get_by_test_id('search-panel')).to_be_visible()


def test_a_message_is_found_opened_and_private_channels_stay_private(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    ada = log_in(browser, server, 'Ada', create_user(server, 'Ada', workspace, admin=True))
    bob = log_in(browser, server, 'Bob', create_user(server, 'Bob', workspace))
    word = f'zq{uuid.uuid4().hex[:8]}'
    secret_word = f'zs{uuid.uuid4().hex[:8]}'

    bob.send(f'the {word} numbers are in')
    expect(ada.message(word)).to_be_visible()
    for n in range(3):
        ada.send(f'later chatter {n}')  # so the found message is not simply the newest one
    bob.page.get_by_test_id('create-channel').click()
    bob.page.get_by_test_id('channel-name-input').fill('hush')
    bob.page.get_by_test_id('channel-private').click()
    bob.page.get_by_test_id('channel-create-submit').click()
    expect(bob.page.get_by_test_id('channel-name')).to_contain_text('hush')
    bob.send(f'between us: {secret_word}')
    expect(bob.message(secret_word)).to_be_visible()

    search(ada, word[:6])  # the last word is matched as a prefix, as if still typing
    result = ada.page.get_by_test_id('search-result')
    expect(result).to_have_count(1)
    expect(result).to_contain_text('#general')
    expect(result).to_contain_text('Bob')
    expect(result.locator('mark')).to_have_text(word)
    SHOTS.mkdir(parents=True, exist_ok=True)
    ada.page.screenshot(path=str(SHOTS / 'search-desktop.png'))

    ada.open_channel('general')
    ada.page.get_by_test_id('search-input').press('Enter')  # search again from another place, then pick
    result.click()
    highlighted = ada.page.locator('.chat-msg--highlight')
    expect(highlighted).to_contain_text(f'the {word} numbers are in')
    expect(highlighted).to_be_in_viewport()
    expect(ada.page).to_have_url(re.compile(rf'/w/{workspace}/c/\d+/m/\d+$'))  # the message's permalink

    search(ada, secret_word)
    expect(ada.page.get_by_test_id('search-empty')).to_have_text('No results')
    expect(ada.page.get_by_test_id('search-result')).to_have_count(0)
    search(bob, secret_word)  # its member finds it
    expect(bob.page.get_by_test_id('search-result')).to_contain_text('#hush')


def test_search_fits_a_phone_screen(browser: Browser, server: ServerProcess) -> None:
    workspace = unique_workspace()
    email = create_user(server, 'Ada', workspace)
    ada = log_in(browser, server, 'Ada', email)
    ada.send('phone sized platypus report')
    ada.page.set_viewport_size({'width': 390, 'height': 800})
    expect(ada.page.get_by_test_id('toggle-sidebar')).to_be_visible()
    # The drawer has slid away and the page has taken its room.
    ada.page.wait_for_function("document.querySelector('.chat-main').getBoundingClientRect().left < 1")
    box = ada.page.get_by_test_id('search-input')
    expect(box).to_be_in_viewport()
    SHOTS.mkdir(parents=True, exist_ok=True)
    ada.page.screenshot(path=str(SHOTS / 'search-phone-header.png'))
    search(ada, 'platypus')
    expect(ada.page.get_by_test_id('search-result')).to_be_in_viewport()
    ada.page.screenshot(path=str(SHOTS / 'search-phone-results.png'))
    ada.page.get_by_test_id('search-result').click()
    expect(ada.page.get_by_test_id('search-panel')).to_be_hidden()  # the picked message is what shows now
    expect(ada.page.locator('.chat-msg--highlight')).to_contain_text('platypus')
