"""A bot's `<@U…>` is a real mention (the person's badge moves live), `ts` is the send time, and Slack's
permalink opens the message in the browser."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in
from e2e.conftest import ServerProcess
from e2e.slack_helpers import bot_client, channel_id, workspace_with_owner


def test_bot_mention_badges_live_and_its_permalink_opens(browser: Browser, server: ServerProcess) -> None:
    workspace, owner = workspace_with_owner(server)
    ada = log_in(browser, server, 'Ada', owner)
    bob = log_in(browser, server, 'Bob', create_user(server, 'Bob', workspace))
    bob.page.get_by_test_id('create-channel').click()  # Bob looks elsewhere, so #general collects his mentions
    bob.page.get_by_test_id('channel-name-input').fill('corner-bob')
    bob.page.get_by_test_id('channel-create-submit').click()
    expect(bob.page.get_by_test_id('channel-name')).to_have_text('#corner-bob')
    ada.open_channel('general')

    client = bot_client(server, owner, workspace)
    general = channel_id(client, 'general')
    bob_sid = next(m['id'] for m in client.users_list()['members'] if m['real_name'] == 'Bob')
    posted = client.chat_postMessage(channel='#general', text=f'<@{bob_sid}> the build is *ready*')
    assert posted['channel'] == general
    assert abs(float(posted['ts']) - time.time()) < 60  # the send time, as Slack's

    expect(bob.channel_link('general').get_by_test_id('mention-count')).to_have_text('1')  # live, no reload
    shown = ada.message('the build is ready')
    expect(shown.locator('.mention')).to_have_text('@Bob')
    expect(shown.locator('strong')).to_have_text('ready')  # Slack's *bold*

    recent = client.conversations_history(channel=general, oldest=str(time.time() - 3600))['messages']
    assert [m['text'] for m in recent] == [f'<@{bob_sid}> the build is *ready*']

    link = client.chat_getPermalink(channel=general, message_ts=posted['ts'])
    assert link['permalink'] == f'{server.url}/archives/{general}/p{posted["ts"].replace(".", "")}'
    bob.page.goto(link['permalink'])
    expect(bob.page).to_have_url(re.compile(r'/w/[^/]+/c/\d+/m/\d+$'))
    expect(bob.message('the build is ready')).to_be_visible()
    assert bob.page.request.get(f'{server.url}/archives/{general}/p1000000000000001').status == 404
    for person in (ada, bob):
        person.context.close()
