"""A custom slash command's round trip against the live server, seen by two people.

A tiny local app (tests/command_app.py: stdlib http.server on 127.0.0.1) checks the request's Slack signature,
answers "working on it" (ephemeral) at once, and a moment later POSTs an `in_channel` "deployed" to the
`response_url`. Ada types `/deploy prod`: she sees the ephemeral line and Bob does not; then both see "deployed".
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import httpx
from playwright.sync_api import Browser, expect

from e2e.chat_helpers import pair
from e2e.conftest import ServerProcess
from tests.command_app import Answer, command_app

SHOTS = Path(os.environ.get('CHAT_E2E_SCREENSHOTS', '/tmp/teamchat-e2e-shots'))
DELAY_SECONDS = 1.0  # "a moment later": after the immediate answer has been shown


def _answer(fields: dict[str, str]) -> Answer:
    def later() -> None:
        httpx.post(fields['response_url'], json={'response_type': 'in_channel', 'text': f'deployed {fields["text"]}'})

    threading.Timer(DELAY_SECONDS, later).start()
    return 200, 'application/json', json.dumps({'response_type': 'ephemeral', 'text': 'working on it'}).encode()


def test_a_custom_command_round_trip_with_a_delayed_answer(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    workspace = ada.page.url.split('/w/')[1].split('/')[0]
    with command_app(_answer) as app:
        printed = server.run('create-command', '--workspace', workspace, '--command', '/deploy', '--url', app.url)
        lines = dict(line.split('=', 1) for line in printed.split())
        assert lines['command'] == '/deploy'
        app.secret[0] = lines['signing_secret']

        ada.send('/deploy prod')
        mine = ada.page.get_by_test_id('ephemeral-message')
        expect(mine).to_have_count(1)
        expect(mine).to_contain_text('working on it')
        expect(mine).to_contain_text('Only visible to you')
        assert app.last().signed
        SHOTS.mkdir(parents=True, exist_ok=True)
        ada.page.screenshot(path=str(SHOTS / 'custom-command-ephemeral.png'))

        for person in (ada, bob):
            posted = person.message('deployed prod')
            expect(posted).to_have_count(1)
            expect(posted.get_by_test_id('message-author')).to_have_text('/deploy')
        expect(bob.page.get_by_test_id('ephemeral-message')).to_have_count(0)  # never shown to anyone else
        expect(ada.message('/deploy prod')).to_have_count(0)  # the command itself is not posted

    ada.page.get_by_test_id('dismiss-ephemeral').click()
    expect(mine).to_have_count(0)
    ada.page.reload()
    expect(ada.message('deployed prod')).to_have_count(1)
    expect(ada.page.get_by_test_id('ephemeral-message')).to_have_count(0)  # gone on reload, as in Slack


def test_an_admin_adds_and_removes_a_command_in_the_dialog(browser: Browser, server: ServerProcess) -> None:
    ada, bob = pair(browser, server)
    answer = json.dumps({'response_type': 'in_channel', 'text': 'pong'}).encode()
    with command_app(lambda _fields: (200, 'application/json', answer)) as app:
        ada.page.get_by_test_id('channel-menu').click()
        ada.page.get_by_test_id('channel-commands').click()
        ada.page.get_by_test_id('command-name').fill('/ping')
        ada.page.get_by_test_id('command-url').fill(app.url)
        ada.page.get_by_test_id('command-create').click()
        secret = ada.page.get_by_test_id('command-secret')
        expect(secret).to_be_visible()
        app.secret[0] = secret.input_value()
        expect(ada.page.get_by_test_id('command-row')).to_have_count(1)
        SHOTS.mkdir(parents=True, exist_ok=True)
        ada.page.screenshot(path=str(SHOTS / 'commands-dialog.png'))
        ada.page.keyboard.press('Escape')

        ada.send('/ping')
        expect(bob.message('pong')).to_have_count(1)
        assert app.last().signed

        ada.page.get_by_test_id('channel-menu').click()
        ada.page.get_by_test_id('channel-commands').click()
        ada.page.get_by_test_id('command-remove').click()
        expect(ada.page.get_by_test_id('command-row')).to_have_count(0)
