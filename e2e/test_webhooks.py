"""Incoming webhooks with the official, unmodified `slack_sdk.webhook.WebhookClient`, seen live in a browser.

Ada (the workspace's owner) makes a webhook from the channel menu and a program posts with its URL; another
one is made on the command line and posts Block Kit blocks. Bob, in his own browser context, sees both posts
arrive as the webhooks' bots without reloading.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, expect
from slack_sdk.webhook import WebhookClient

from e2e.chat_helpers import pair
from e2e.conftest import ServerProcess

SHOTS = Path(os.environ.get('CHAT_E2E_SCREENSHOTS', '/tmp/teamchat-e2e-shots'))


def test_a_webhook_made_in_the_channel_menu_posts_live(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    ada.page.get_by_test_id('channel-menu').click()
    ada.page.get_by_test_id('channel-webhooks').click()
    ada.page.get_by_test_id('webhook-name').fill('Deploys')
    ada.page.get_by_test_id('webhook-create').click()
    url_field = ada.page.get_by_test_id('webhook-url')
    expect(url_field).to_be_visible()
    url = url_field.input_value()
    assert url.startswith(f'{server.url}/hooks/')
    expect(ada.page.get_by_test_id('webhook-row')).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    ada.page.screenshot(path=str(SHOTS / 'webhooks-dialog.png'))

    answer = WebhookClient(url).send(text='Deployed *v2* to <https://example.com|production>')
    assert (answer.status_code, answer.body) == (200, 'ok')
    posted = bob.message('Deployed')
    expect(posted).to_have_count(1)
    expect(posted.get_by_test_id('message-author')).to_have_text('Deploys')
    expect(posted.get_by_test_id('message-text')).to_contain_text('production (https://example.com)')
    expect(posted.get_by_test_id('message-text').locator('strong')).to_have_text('v2')  # Slack's *bold*
    bob.page.screenshot(path=str(SHOTS / 'webhook-post.png'))

    ada.page.get_by_test_id('webhook-remove').click()
    expect(ada.page.get_by_test_id('webhook-row')).to_have_count(0)
    refused = WebhookClient(url).send(text='after removal')
    assert (refused.status_code, refused.body) == (404, 'no_service')


def test_a_webhook_from_the_command_line_posts_blocks(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    workspace = ada.page.url.split('/w/')[1].split('/')[0]
    url = server.run('create-webhook', '--workspace', workspace, '--channel', 'general', '--name', 'CI').split()[-1]
    blocks = [
        {'type': 'header', 'text': {'type': 'plain_text', 'text': 'Build 42 passed'}},
        {'type': 'section', 'text': {'type': 'mrkdwn', 'text': 'All 1,234 tests green'}},
    ]
    answer = WebhookClient(url).send(text='fallback text', blocks=blocks)
    assert (answer.status_code, answer.body) == (200, 'ok')
    for person in (ada, bob):
        posted = person.message('Build 42 passed')
        expect(posted).to_have_count(1)
        expect(posted.get_by_test_id('message-text')).to_contain_text('All 1,234 tests green')
        expect(posted.get_by_test_id('message-author')).to_have_text('CI')
