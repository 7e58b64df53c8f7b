"""Reusable browser steps for accounts: sign up and log in through the real forms."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Page, expect

# Where the e2e tests leave their screenshots for a person to look at (CHAT_E2E_SCREENSHOTS, as the older tests).
SHOTS = Path(os.environ.get('CHAT_E2E_SCREENSHOTS', str(Path(tempfile.gettempdir()) / 'teamchat-e2e-shots')))

PASSWORD = 'correct horse battery'


def unique_email(name: str) -> str:
    """A fresh address per test, so tests sharing one server never collide."""
    return f'{name.lower()}-{uuid.uuid4().hex[:8]}@example.com'


def sign_up(page: Page, base_url: str, email: str, name: str, password: str = PASSWORD, next_path: str = '/') -> None:
    """Fill in /signup and wait until the browser has left it (logged in, on `next` or where / sends it)."""
    if not page.url.startswith(f'{base_url}/signup'):
        page.goto(f'{base_url}/signup' + (f'?{urlencode({"next": next_path})}' if next_path != '/' else ''))
    page.get_by_test_id('signup-email').fill(email)
    page.get_by_test_id('signup-name').fill(name)
    page.get_by_test_id('signup-password').fill(password)
    page.get_by_test_id('signup-submit').click()
    expect(page).not_to_have_url(re.compile(r'/signup'))


def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD, next_path: str = '/') -> None:
    """Fill in /login and wait until the browser has left it."""
    page.goto(f'{base_url}/login' + (f'?{urlencode({"next": next_path})}' if next_path != '/' else ''))
    page.get_by_test_id('login-email').fill(email)
    page.get_by_test_id('login-password').fill(password)
    page.get_by_test_id('login-submit').click()
    expect(page).not_to_have_url(re.compile(r'/login'))


def create_workspace(page: Page, base_url: str, name: str) -> str:
    """Create a workspace from /new-workspace; returns its slug (read from the URL it opens)."""
    page.goto(f'{base_url}/new-workspace')
    page.get_by_test_id('workspace-name').fill(name)
    page.get_by_test_id('workspace-create').click()
    expect(page).to_have_url(re.compile(r'/w/[a-z0-9-]+$'))
    return page.url.rsplit('/w/', 1)[1]


def create_invite_link(page: Page, base_url: str, slug: str) -> str:
    """As an owner or admin: make an invite link on /w/{slug}/invites and return it."""
    page.goto(f'{base_url}/w/{slug}/invites')
    page.get_by_test_id('invite-create').click()
    link = page.get_by_test_id('invite-link')
    expect(link).to_contain_text('/join/')
    return link.inner_text().strip()
