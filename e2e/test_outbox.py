"""The browser's outbox: what a person typed arrives exactly once, in order, whatever happened to the connection.

Offline for a moment, offline long enough that the server forgets the tab, a page reload while offline, and
the server killed (-9) and restarted with a message pending: in every case the other person sees each message
once, in the order it was typed, and the sender's copy stops being pending.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Error, expect

from e2e.chat_helpers import ChatUser, pair
from e2e.conftest import ServerProcess, started


def texts(user: ChatUser) -> list[str]:
    return [text.strip() for text in user.channel_list().get_by_test_id('message-text').all_inner_texts()]


def expect_once_in_order(user: ChatUser, sent: list[str]) -> None:
    for text in sent:
        expect(user.message(text)).to_have_count(1, timeout=30_000)
        expect(user.message(text)).to_have_attribute('data-pending', 'false', timeout=30_000)
        expect(user.message(text).get_by_test_id('message-sending')).to_have_count(0)
    shown = [t for t in texts(user) if t in sent]
    assert shown == sent


def send_pending(user: ChatUser, sent: list[str]) -> None:
    for text in sent:
        user.send(text)
        expect(user.message(text)).to_have_attribute('data-pending', 'true')  # shown at once, as not yet sent
        expect(user.message(text).get_by_test_id('message-sending')).to_have_text('Sending…')


@pytest.mark.parametrize('seconds', [2, 12, 60])
def test_messages_typed_offline_arrive_once_in_order(browser: Browser, server: ServerProcess, seconds: int) -> None:
    ada, bob = pair(browser, server)
    ada.context.set_offline(True)
    sent = [f'typed offline {seconds}s #{n} <img src=x onerror=alert(1)>' for n in range(3)]
    send_pending(ada, sent)
    expect(ada.message(sent[0]).locator('img')).to_have_count(0)  # the pending copy is escaped text
    ada.page.wait_for_timeout(seconds * 1000)  # the outage itself is the scenario, not a wait for a condition
    expect(bob.message(sent[0])).to_have_count(0)
    ada.context.set_offline(False)
    for user in (ada, bob):
        expect_once_in_order(user, sent)


def test_a_page_reload_while_offline_keeps_and_sends_the_message(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    url = ada.page.url
    ada.context.set_offline(True)
    sent = ['written before the reload']
    send_pending(ada, sent)
    with pytest.raises(Error):
        ada.page.reload()  # offline: the browser shows its own error page
    ada.context.set_offline(False)
    ada.page.goto(url)
    for user in (ada, bob):
        expect_once_in_order(user, sent)


def test_a_message_pending_while_the_server_is_killed_arrives_after_the_restart(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with started(tmp_path_factory.mktemp('outbox-kill') / 'data') as server:
        ada, bob = pair(browser, server)
        ada.send('before the crash')
        expect(bob.message('before the crash')).to_have_count(1)
        assert server.proc is not None
        server.proc.kill()  # SIGKILL: no shutdown, no flush
        server.proc.wait(10)
        expect(ada.page.get_by_test_id('connection-status')).to_be_visible(timeout=15_000)
        sent = ['typed while the server was down', 'and a second one']
        send_pending(ada, sent)
        server.start()
        for user in (ada, bob):
            expect_once_in_order(user, ['before the crash', *sent])


def _edit(user: ChatUser, old: str, new: str) -> None:
    user.message(old).hover()
    user.message(old).get_by_test_id('action-edit').click()
    user.page.get_by_test_id('edit-input').fill(new)
    user.page.get_by_test_id('edit-input').press('Enter')


def test_an_edit_made_offline_is_kept_and_applied_once_back(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    ada.send('first version')
    expect(bob.message('first version')).to_have_count(1)
    ada.context.set_offline(True)
    _edit(ada, 'first version', 'second version, typed offline')
    edited = ada.message('second version, typed offline')
    expect(edited.get_by_test_id('message-saving')).to_be_visible()  # shown at once, as not yet saved
    ada.page.wait_for_timeout(12_000)  # long enough that the server forgets the tab: the outage is the scenario
    ada.context.set_offline(False)
    expect(bob.message('second version, typed offline').get_by_test_id('message-edited')).to_be_visible(timeout=30_000)
    expect(edited.get_by_test_id('message-saving')).to_have_count(0, timeout=30_000)
    expect(bob.message('first version')).to_have_count(0)


def test_an_edit_survives_a_reload_while_offline(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    url = ada.page.url
    ada.send('before the reload')
    expect(bob.message('before the reload')).to_have_count(1)
    ada.context.set_offline(True)
    _edit(ada, 'before the reload', 'edited before the reload')
    with pytest.raises(Error):
        ada.page.reload()
    ada.context.set_offline(False)
    ada.page.goto(url)
    expect(bob.message('edited before the reload')).to_have_count(1, timeout=30_000)
    expect(ada.message('edited before the reload').get_by_test_id('message-saving')).to_have_count(0, timeout=30_000)
