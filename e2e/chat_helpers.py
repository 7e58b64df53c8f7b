"""Helpers for the messaging e2e tests: users made with the CLI, one browser context each, logged in."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from dataclasses import dataclass

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from e2e.conftest import ROOT, ServerProcess

PASSWORD = 'correct horse battery'


@dataclass
class ChatUser:
    name: str
    email: str
    context: BrowserContext
    page: Page

    def composer(self) -> Locator:
        return self.page.locator('.chat-main [data-testid=composer]')

    def send(self, text: str) -> None:
        self.composer().fill(text)
        self.composer().press('Enter')

    def message(self, text: str) -> Locator:
        return self.channel_list().get_by_test_id('message').filter(has_text=text)

    def channel_list(self) -> Locator:
        return self.page.locator('[data-testid=message-list][data-mode=channel]')

    def channel_link(self, name: str) -> Locator:
        return self.page.locator(f'[data-testid=channel-link][data-channel="{name}"]')

    def open_channel(self, name: str) -> None:
        self.channel_link(name).click()
        expect(self.page.get_by_test_id('channel-name')).to_have_text(f'#{name}')


def unique_workspace() -> str:
    return f'ws{uuid.uuid4().hex[:8]}'


def create_user(server: ServerProcess, name: str, workspace: str, *, admin: bool = False) -> str:
    email = f'{name.lower()}-{uuid.uuid4().hex[:6]}@example.com'
    args = ['create-user', '--email', email, '--name', name, '--password', PASSWORD, '--workspace', workspace]
    server.run(*args, *(['--admin'] if admin else []))
    return email


def log_in(browser: Browser, server: ServerProcess, name: str, email: str, path: str = '/') -> ChatUser:
    context = browser.new_context(viewport={'width': 1280, 'height': 800})
    page = context.new_page()
    page.goto(f'{server.url}/login?next={path}')
    page.get_by_test_id('login-email').fill(email)
    page.get_by_test_id('login-password').fill(PASSWORD)
    page.get_by_test_id('login-submit').click()
    expect(page).to_have_url(re.compile(r'/w/'))
    expect(page.locator('.chat-main [data-testid=composer]')).to_be_visible()
    return ChatUser(name, email, context, page)


def pair(browser: Browser, server: ServerProcess) -> tuple[ChatUser, ChatUser]:
    """Ada and Bob in a new workspace, each logged in in a browser context of their own."""
    workspace = unique_workspace()
    ada = create_user(server, 'Ada', workspace)
    bob = create_user(server, 'Bob', workspace)
    return log_in(browser, server, 'Ada', ada), log_in(browser, server, 'Bob', bob)


def run_script(server: ServerProcess, code: str) -> str:
    """Run Python against the server's database in a separate process (bulk history for scroll tests)."""
    done = subprocess.run(
        [sys.executable, '-c', code],
        cwd=ROOT,
        env=server.environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout
