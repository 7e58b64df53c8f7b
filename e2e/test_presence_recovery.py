"""Presence, typing, read receipts, unread state across tabs, and catching up after network loss and restarts.

These run against their own server with a short "away" threshold so that idling is testable.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.chat_helpers import pair
from e2e.conftest import ServerProcess, started

AWAY_AFTER = 4  # seconds


@pytest.fixture(scope='module')
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with started(tmp_path_factory.mktemp('live') / 'data', {'CHAT_AWAY_AFTER_SECONDS': str(AWAY_AFTER)}) as process:
        yield process


def presence_of(page: Page, name: str) -> str:
    return f'[data-testid=presence-item]:has-text("{name}")'


def test_presence_goes_online_away_busy_and_offline(browser: Browser, live_server: ServerProcess) -> None:
    ada, bob = pair(browser, live_server)
    bob.page.get_by_test_id('open-people').click()
    ada_row = bob.page.locator(presence_of(bob.page, 'Ada'))
    ada.page.mouse.move(150, 250)  # Ada is active now: on a loaded machine logging Bob in can outlast the threshold
    expect(ada_row).to_have_attribute('data-status', 'online')

    # Ada does nothing: after the (short) threshold she shows as away; moving the mouse brings her back.
    expect(ada_row).to_have_attribute('data-status', 'away', timeout=AWAY_AFTER * 1000 + 5000)
    ada.page.mouse.move(200, 300)
    ada.page.mouse.move(220, 320)
    expect(ada_row).to_have_attribute('data-status', 'online')

    ada.page.get_by_test_id('set-status').click()
    ada.page.get_by_test_id('presence-choice').click()
    ada.page.get_by_role('option', name='Busy (do not disturb)').click()
    ada.page.get_by_test_id('status-text').fill('Deep work')
    ada.page.get_by_test_id('status-save').click()
    expect(ada_row).to_have_attribute('data-status', 'busy')

    # The status filter narrows the list to busy people.
    bob.page.get_by_test_id('people-filter').get_by_text('Busy').click()
    expect(ada_row).to_be_visible()
    expect(bob.page.locator(presence_of(bob.page, 'Bob'))).to_be_hidden()
    bob.page.get_by_test_id('people-filter').get_by_text('All').click()

    ada.context.close()  # her last tab is gone: offline once the reconnect grace period is over
    expect(ada_row).to_have_attribute('data-status', 'offline', timeout=30_000)


def test_typing_shows_for_the_other_user_and_ends(browser: Browser, live_server: ServerProcess) -> None:
    ada, bob = pair(browser, live_server)
    indicator = bob.page.locator('.chat-main [data-testid=typing-indicator]')
    ada.composer().press_sequentially('hel')
    expect(indicator).to_have_text('Ada is typing…', timeout=1500)
    expect(ada.page.locator('.chat-main [data-testid=typing-indicator]')).to_have_text('')  # never one's own
    ada.composer().press('Enter')  # sending stops it
    expect(indicator).to_have_text('')

    ada.composer().press_sequentially('again')
    expect(indicator).to_have_text('Ada is typing…', timeout=1500)
    ada.context.close()  # a sender that vanishes does not type forever: receivers expire it
    expect(indicator).to_have_text('', timeout=20_000)


def test_seen_by_follows_what_the_other_user_read(browser: Browser, live_server: ServerProcess) -> None:
    ada, bob = pair(browser, live_server)
    bob.open_channel('general')
    bob.page.get_by_test_id('new-dm').click()  # move Bob away from #general so he cannot read it yet
    bob.page.keyboard.press('Escape')
    ada.send('did you read this?')
    seen = ada.message('did you read this?').get_by_test_id('seen-by')
    expect(bob.message('did you read this?')).to_be_visible()
    expect(seen).to_contain_text('Bob')


def test_unread_counts_agree_in_two_tabs_of_the_same_user(browser: Browser, live_server: ServerProcess) -> None:
    ada, bob = pair(browser, live_server)
    second = bob.context.new_page()
    second.goto(bob.page.url)
    expect(second.locator('.chat-main [data-testid=composer]')).to_be_visible()

    ada.page.get_by_test_id('create-channel').click()
    ada.page.get_by_test_id('channel-name-input').fill('news')
    ada.page.get_by_test_id('channel-create-submit').click()
    expect(ada.page.get_by_test_id('channel-name')).to_have_text('#news')
    bob.page.get_by_test_id('browse-channels').click()
    bob.page.locator('[data-testid=browse-channel][data-channel=news]').get_by_role('button').click()
    bob.page.get_by_test_id('join-channel').click()
    bob.open_channel('general')

    ada.send('first news')
    ada.send('second news')
    for page in (bob.page, second):
        expect(page.locator('[data-testid=channel-link][data-channel=news]')).to_have_attribute('data-unread', '2')
    bob.open_channel('news')  # reading in one tab clears the count in the other
    expect(second.locator('[data-testid=channel-link][data-channel=news]')).to_have_attribute('data-unread', '0')


@pytest.mark.parametrize('seconds', [10, 60])
def test_nothing_is_missed_or_doubled_after_being_offline(
    browser: Browser, live_server: ServerProcess, seconds: int
) -> None:
    ada, bob = pair(browser, live_server)
    ada.send('before the outage')
    expect(bob.message('before the outage')).to_be_visible()

    bob.context.set_offline(True)
    expect(bob.page.get_by_test_id('connection-status')).to_be_visible(timeout=15_000)
    for i in range(3):
        ada.send(f'while away {i}')
    bob.page.wait_for_timeout(seconds * 1000)  # the outage itself is the scenario, not a wait for a condition
    bob.context.set_offline(False)

    expect(bob.page.get_by_test_id('connection-status')).to_be_hidden(timeout=30_000)
    for text in ('before the outage', 'while away 0', 'while away 1', 'while away 2'):
        expect(bob.message(text)).to_have_count(1)
    ada.send('after the outage')
    expect(bob.message('after the outage')).to_have_count(1)


def test_a_server_restart_ends_with_every_tab_showing_every_message(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with started(tmp_path_factory.mktemp('restart') / 'data') as server:
        ada, bob = pair(browser, server)
        ada.send('before the restart')
        expect(bob.message('before the restart')).to_be_visible()
        server.stop()
        server.start()
        expect(ada.page.get_by_test_id('connection-status')).to_be_hidden(timeout=30_000)
        expect(ada.page.locator('.chat-main [data-testid=composer]')).to_be_visible(timeout=30_000)
        ada.send('after the restart')
        for user in (ada, bob):
            expect(user.message('before the restart')).to_have_count(1, timeout=30_000)
            expect(user.message('after the restart')).to_have_count(1, timeout=30_000)
