"""A bot speaking through the Slack client is seen live by a browser user, and reads the user's answer back."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import log_in
from e2e.conftest import ServerProcess
from e2e.slack_helpers import bot_client, channel_id, workspace_with_owner

SCREENSHOTS = Path(os.environ.get('CHAT_E2E_SCREENSHOTS', '/tmp/teamchat-e2e-shots'))


def test_bot_message_appears_live_and_the_reply_reaches_the_bot(browser: Browser, server: ServerProcess) -> None:
    workspace, owner = workspace_with_owner(server)
    ada = log_in(browser, server, 'Ada', owner)
    ada.open_channel('general')
    client = bot_client(server, owner, workspace)
    general = channel_id(client, 'general')

    client.chat_postMessage(channel=general, text='Build #42 is *green*')
    arrived = ada.message('Build #42 is green')
    expect(arrived).to_be_visible()  # pushed over the page's websocket: no reload
    expect(arrived.locator('strong')).to_have_text('green')  # Slack's *x* is bold: stored as our **x**
    expect(arrived.get_by_test_id('message-author')).to_have_text('Deploy Bot')
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ada.page.screenshot(path=str(SCREENSHOTS / 'slack-bot-live.png'))

    ada.send('Thanks, bot!')
    # Confirmed in the browser (no longer pending) means committed, so the bot can read it now.
    expect(ada.message('Thanks, bot!')).to_have_attribute('data-pending', 'false')
    people = client.users_list()['members']
    ada_sid = next(m['id'] for m in people if m['real_name'] == 'Ada')
    texts = [(m['user'], m['text']) for m in client.conversations_history(channel=general, limit=5)['messages']]
    assert texts[:2] == [(ada_sid, 'Thanks, bot!'), (client.auth_test()['user_id'], 'Build #42 is *green*')]
    ada.context.close()
