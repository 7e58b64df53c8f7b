"""An unmodified slack_bolt app, served by its own WSGI adapter, answers a mention in the thread, live for both
browser users; the apps dialog then shows the app and its delivery log."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from playwright.sync_api import Browser, expect
from slack_bolt import App, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from e2e.chat_helpers import create_user, log_in
from e2e.conftest import ServerProcess, free_port
from e2e.slack_helpers import workspace_with_owner

SCREENSHOTS = Path(os.environ.get('CHAT_E2E_SCREENSHOTS', '/tmp/teamchat-e2e-shots'))


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def test_a_bolt_app_answers_a_mention_in_the_thread(browser: Browser, server: ServerProcess) -> None:
    workspace, owner = workspace_with_owner(server)
    bob_email = create_user(server, 'Bob', workspace)
    port = free_port()
    printed = server.run(
        'create-app', '--workspace', workspace, '--name', 'Helper',
        '--events-url', f'http://127.0.0.1:{port}/slack/events', '--events', 'app_mention,message',
    )  # fmt: skip
    secrets = dict(line.split('=', 1) for line in printed.splitlines() if '=' in line)

    bolt = App(
        client=WebClient(token=secrets['bot_token'], base_url=f'{server.url}/api/'),
        signing_secret=secrets['signing_secret'],
    )
    release = threading.Event()  # the answer waits until both people look at the thread
    mentions: list[dict[str, Any]] = []

    @bolt.event('app_mention')
    def answer(event: dict[str, Any], say: Say) -> None:
        mentions.append(event)
        release.wait(30)
        say(text='On it: deploying the docs.', thread_ts=event.get('thread_ts') or event['ts'])

    @bolt.event('message')
    def ignore(event: dict[str, Any]) -> None:
        pass

    httpd = make_server('127.0.0.1', port, SlackRequestHandler(bolt), handler_class=_Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        ada = log_in(browser, server, 'Ada', owner)
        bob = log_in(browser, server, 'Bob', bob_email)
        for person in (ada, bob):
            person.open_channel('general')
        ada.composer().fill('@Helper deploy the docs please')
        ada.composer().press('Escape')  # close the mention picker, if it is open, so Enter sends
        ada.composer().press('Enter')
        for person in (ada, bob):
            root = person.message('deploy the docs please')
            expect(root).to_be_visible()
            root.hover()
            root.get_by_test_id('action-thread').click()
            expect(person.page.get_by_test_id('thread-panel')).to_be_visible()
        release.set()
        for person in (ada, bob):
            reply = person.page.get_by_test_id('thread-panel').get_by_text('On it: deploying the docs.')
            expect(reply).to_be_visible(timeout=15_000)
        assert len(mentions) == 1 and mentions[0]['channel'].startswith('C') and mentions[0]['user'].startswith('U')
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        bob.page.screenshot(path=str(SCREENSHOTS / 'events-api-bolt-thread.png'))

        ada.page.get_by_test_id('workspace-switcher').click()
        ada.page.get_by_test_id('workspace-apps').click()
        dialog = ada.page.get_by_test_id('apps-dialog')
        row = dialog.locator('[data-testid=app-row][data-app="Helper"]')
        expect(row).to_be_visible()
        row.get_by_test_id('app-log').click()
        log = dialog.get_by_test_id('app-delivery-log')
        expect(log.get_by_text('app_mention')).to_be_visible()
        expect(log.get_by_text('delivered').first).to_be_visible()
        ada.page.screenshot(path=str(SCREENSHOTS / 'apps-dialog.png'))

        dialog.get_by_test_id('app-create-section').click()
        dialog.get_by_test_id('app-name').fill('Reminders')
        dialog.locator('[data-testid=app-event][data-event=reaction_added]').click()
        dialog.get_by_test_id('app-create').click()
        expect(dialog.get_by_test_id('app-bot-token')).to_have_value(re.compile(r'^xoxb-'))
        expect(dialog.locator('[data-testid=app-row][data-app="Reminders"]')).to_contain_text('reaction_added')
        ada.page.screenshot(path=str(SCREENSHOTS / 'apps-dialog-created.png'))

        bob.page.get_by_test_id('workspace-switcher').click()
        expect(bob.page.get_by_test_id('workspace-new')).to_be_visible()
        expect(bob.page.get_by_test_id('workspace-apps')).to_have_count(0)  # members do not manage apps
        ada.context.close()
        bob.context.close()
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
