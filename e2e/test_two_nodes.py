"""Two server processes sharing one database (SQLite in WAL) and one Redis: what happens on one node shows live on
the other. Ada's browser talks to node one only and Bob's to node two only, as a sticky-session proxy would do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess
from tests.redis_server import RedisServer


@pytest.fixture(scope='module')
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis_server = RedisServer()  # skips, with the reason, only where redis-server is not installed
    redis_server.start()
    root = tmp_path_factory.mktemp('cluster')
    shared = {
        'CHAT_DATABASE_URL': f'sqlite:///{root / "shared.db"}',
        'CHAT_REDIS_URL': redis_server.url,
        'CHAT_STORAGE_SECRET': 'one-secret-for-every-node',
    }
    one = ServerProcess(root / 'node-one', env=shared)
    two = ServerProcess(root / 'node-two', env=shared)
    try:
        one.start()  # migrates the shared database first; the second node then finds it at the newest schema
        two.start()
        yield one, two
    finally:
        one.stop()
        two.stop()
        redis_server.close()


def test_a_message_reaction_typing_and_presence_cross_nodes(
    browser: Browser, two_nodes: tuple[ServerProcess, ServerProcess]
) -> None:
    one, two = two_nodes
    workspace = unique_workspace()
    ada_email = create_user(one, 'Ada', workspace)
    bob_email = create_user(one, 'Bob', workspace)
    ada = log_in(browser, one, 'Ada', ada_email)
    bob = log_in(browser, two, 'Bob', bob_email)

    ada.send('Hello from node one')
    expect(bob.message('Hello from node one')).to_be_visible()
    bob.send('And hello back from node two')
    expect(ada.message('And hello back from node two')).to_be_visible()

    target = ada.message('Hello from node one')
    target.hover()
    target.get_by_test_id('action-react').click()
    picker = ada.page.get_by_test_id('emoji-picker')
    picker.get_by_test_id('emoji-search').fill('tada')
    picker.locator('[data-testid=emoji-option][data-emoji=tada]').click()
    chip = bob.message('Hello from node one').locator('[data-testid=reaction][data-emoji=tada]')
    expect(chip).to_have_attribute('data-count', '1')

    indicator = bob.page.locator('.chat-main [data-testid=typing-indicator]')
    ada.composer().press_sequentially('typing on node one')
    expect(indicator).to_have_text('Ada is typing…')
    ada.composer().press('Enter')
    expect(indicator).to_have_text('')
    expect(bob.message('typing on node one')).to_be_visible()

    bob.page.get_by_test_id('open-people').click()
    ada_row = bob.page.locator('[data-testid=presence-item]:has-text("Ada")')
    expect(ada_row).to_have_attribute('data-status', 'online')
    ada.page.get_by_test_id('set-status').click()
    ada.page.get_by_test_id('presence-choice').click()
    ada.page.get_by_role('option', name='Busy (do not disturb)').click()
    ada.page.get_by_test_id('status-save').click()
    expect(ada_row).to_have_attribute('data-status', 'busy')
    bob.page.screenshot(path=str(two.data_dir.parent / 'two-nodes-bob.png'))

    ada.context.close()  # her only tab (on node one) is gone: offline on node two after the grace period
    expect(ada_row).to_have_attribute('data-status', 'offline', timeout=30_000)
    bob.context.close()
