"""Scheduled messages in the browser: Ada schedules from the composer's clock menu, Bob sees the message arrive on
time without reloading, and Ada's "scheduled" line goes back to nothing once it is sent."""

from __future__ import annotations

import os
import time
from pathlib import Path

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import pair
from e2e.conftest import ServerProcess

SHOTS = Path(os.environ.get('CHAT_E2E_SCREENSHOTS', '/tmp/teamchat-e2e-shots'))
AHEAD_SECONDS = 8

# A local time (the browser's zone) a few seconds ahead, as <input type="datetime-local"> wants it.
LOCAL_INPUT_AHEAD = """(seconds) => {
  const d = new Date(Date.now() + seconds * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${day}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}"""


def test_a_scheduled_message_arrives_on_time_for_the_other_user(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    main = ada.page.locator('.chat-main')
    count = main.get_by_test_id('scheduled-count')

    # The presets, then one cancelled from the list.
    ada.composer().fill('Status meeting notes')
    main.get_by_test_id('schedule-send').click()
    menu = main.get_by_test_id('schedule-menu')
    expect(menu).to_be_visible()
    presets = menu.get_by_test_id('schedule-preset')
    expect(presets).to_have_count(3)
    for index, label in enumerate(('In 30 minutes', 'Tomorrow at 9:00', 'Next Monday at 9:00')):
        expect(presets.nth(index)).to_contain_text(label)
    SHOTS.mkdir(parents=True, exist_ok=True)
    ada.page.screenshot(path=str(SHOTS / 'schedule-menu.png'))
    menu.locator('[data-preset=tomorrow]').click()
    expect(count).to_have_attribute('data-count', '1')
    expect(count).to_contain_text('1 scheduled message')
    expect(ada.composer()).to_have_value('')
    count.click()
    items = main.get_by_test_id('scheduled-list').get_by_test_id('scheduled-item')
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text('Status meeting notes')
    items.first.get_by_test_id('scheduled-cancel').click()
    expect(count).to_have_count(0)

    # A custom time a few seconds ahead: Bob sees it arrive live, not before.
    ada.composer().fill('See you in a moment')
    main.get_by_test_id('schedule-send').click()
    ada.page.get_by_test_id('schedule-custom').fill(ada.page.evaluate(LOCAL_INPUT_AHEAD, AHEAD_SECONDS))
    main.get_by_test_id('schedule-custom-submit').click()
    expect(count).to_have_attribute('data-count', '1')
    count.click()
    item = main.get_by_test_id('scheduled-list').get_by_test_id('scheduled-item')
    expect(item).to_have_count(1)
    post_at = int(item.first.get_attribute('data-post-at') or 0)
    assert abs(post_at - (time.time() + AHEAD_SECONDS)) < 5, post_at
    ada.page.screenshot(path=str(SHOTS / 'scheduled-list.png'))
    expect(bob.message('See you in a moment')).to_have_count(0)

    expect(bob.message('See you in a moment')).to_have_count(1, timeout=30_000)
    assert time.time() >= post_at - 1, 'posted before its time'
    expect(bob.message('See you in a moment').get_by_test_id('message-author')).to_have_text('Ada')
    expect(count).to_have_count(0)  # sent: nothing scheduled any more
    expect(ada.message('See you in a moment')).to_have_count(1)
