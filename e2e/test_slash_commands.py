"""Slash commands typed in the composer, seen by another person live: /me, /topic, and a typo that posts nothing."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import pair
from e2e.conftest import ServerProcess


def test_slash_commands_act_for_everyone_and_typos_post_nothing(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    ada.composer().fill('/')
    options = ada.page.get_by_test_id('autocomplete-option')
    expect(options.filter(has_text='/me text')).to_have_count(1)
    expect(options.filter(has_text='/topic text')).to_have_count(1)
    ada.composer().fill('/to')
    expect(options).to_have_count(1)
    ada.composer().press('Enter')  # takes the suggestion
    expect(ada.composer()).to_have_value('/topic ')
    ada.composer().press_sequentially('Release day')
    ada.composer().press('Enter')
    expect(bob.page.get_by_test_id('channel-topic')).to_have_text('Release day')
    expect(ada.composer()).to_have_value('')

    ada.send('/me is deploying')
    posted = bob.message('is deploying')
    expect(posted).to_have_count(1)
    expect(posted.get_by_test_id('message-text').locator('em')).to_have_text('is deploying')
    expect(ada.message('is deploying')).to_have_attribute('data-pending', 'false')

    ada.send('/deploy now')
    expect(ada.page.get_by_test_id('composer-error')).to_contain_text('/deploy is not a command here')
    expect(ada.composer()).to_have_value('/deploy now')  # handed back, not lost
    expect(ada.channel_list().locator('[data-pending=true]')).to_have_count(0)
    ada.send('//deploy is a path')
    expect(bob.message('/deploy is a path')).to_have_count(1)
    expect(bob.message('deploy now')).to_have_count(0)
