"""Digest e-mails against a live server and a local SMTP server (aiosmtpd): sent to someone who is away,
not sent for what was read in time."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in, run_script, unique_workspace
from e2e.conftest import ServerProcess, started
from e2e.helpers import sign_up
from tests.smtp_server import SmtpServer, text_of

DELAY_SECONDS = 24.0  # longer than closing a tab takes to become "offline" (1 s reconnect timeout + 8 s grace)


@pytest.fixture(scope='module')
def mail_server() -> Iterator[SmtpServer]:
    smtp = SmtpServer().start()
    yield smtp
    smtp.stop()


@pytest.fixture(scope='module')
def email_server(tmp_path_factory: pytest.TempPathFactory, mail_server: SmtpServer) -> Iterator[ServerProcess]:
    env = {
        'CHAT_SMTP_URL': mail_server.url,
        'CHAT_EMAIL_FROM': 'Teamchat <chat@example.com>',
        'CHAT_EMAIL_DELAY_MINUTES': str(DELAY_SECONDS / 60),
        'CHAT_RECONNECT_TIMEOUT': '1',
    }
    data_dir: Path = tmp_path_factory.mktemp('email') / 'data'
    with started(data_dir, env) as process:
        yield process


def mails_to(smtp: SmtpServer, address: str) -> list[EmailMessage]:
    return [mail for mail in smtp.inbox.messages if mail['To'] == address]


def wait_for_mail_to(smtp: SmtpServer, address: str, timeout: float = DELAY_SECONDS + 40) -> EmailMessage:
    """Wake on each arrival (a condition, not a clock) until one reaches `address`."""
    deadline = time.monotonic() + timeout
    with smtp.inbox.arrived:
        while not mails_to(smtp, address):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f'no e-mail reached {address}')
            smtp.inbox.arrived.wait(left)
    return mails_to(smtp, address)[0]


def test_a_mention_of_someone_without_a_tab_reaches_them_by_email(
    browser: Browser, email_server: ServerProcess, mail_server: SmtpServer
) -> None:
    workspace = unique_workspace()
    ada = log_in(browser, email_server, 'Ada', create_user(email_server, 'Ada', workspace))
    bob_email = create_user(email_server, 'Bob', workspace)  # Bob never opens a tab
    words = f'the build is green {uuid.uuid4().hex[:6]}'
    ada.send(f'@Bob {words}')
    expect(ada.message(words)).to_be_visible()

    mail = wait_for_mail_to(mail_server, bob_email)
    assert mail['Subject'] == f'You have 1 unread message in {workspace}'
    text = text_of(mail)
    assert f'Ada: @Bob {words}' in text
    link = re.search(r'(http://\S+/m/\d+)', text)
    assert link is not None and link.group(1).startswith(email_server.url)

    # The link opens the message for Bob (after logging in), and Ada sees that he has read it.
    bob = log_in(browser, email_server, 'Bob', bob_email, link.group(1).removeprefix(email_server.url))
    expect(bob.message(words)).to_be_visible()
    expect(ada.message(words).get_by_test_id('seen-by')).to_be_visible()
    assert len(mails_to(mail_server, bob_email)) == 1
    for person in (ada, bob):
        person.context.close()


def test_what_was_read_in_time_is_not_emailed(
    browser: Browser, email_server: ServerProcess, mail_server: SmtpServer
) -> None:
    workspace = unique_workspace()
    ada_email = create_user(email_server, 'Ada', workspace)
    bob_email = create_user(email_server, 'Bob', workspace)
    run_script(
        email_server,
        f'from e2e.scenes import direct_conversation; direct_conversation({workspace!r}, {ada_email!r}, {bob_email!r})',
    )
    ada = log_in(browser, email_server, 'Ada', ada_email)
    bob = log_in(browser, email_server, 'Bob', bob_email)
    bob_dot = ada.page.locator('[data-testid=channel-link]').get_by_test_id('presence-dot')
    expect(bob_dot).to_have_attribute('data-status', 'online')

    read = f'read in time {uuid.uuid4().hex[:6]}'
    sent_at = time.monotonic()
    ada.send(f'@Bob {read}')
    expect(bob.message(read)).to_be_visible()  # Bob has #general open: he reads it at once
    expect(ada.message(read).get_by_test_id('seen-by')).to_be_visible()
    bob.context.close()
    expect(bob_dot).to_have_attribute('data-status', 'offline', timeout=30_000)
    # The scan decides about the first message only after the delay, when Bob is already offline: only his read
    # position can keep it out of the e-mail (otherwise this test would prove nothing).
    assert time.monotonic() - sent_at < DELAY_SECONDS - 2, 'too slow to tell reading from being online'

    missed = f'sent after he left {uuid.uuid4().hex[:6]}'
    ada.send(f'@Bob {missed}')
    expect(ada.message(missed)).to_be_visible()
    mail = wait_for_mail_to(mail_server, bob_email)
    text = text_of(mail)
    assert missed in text and read not in text
    assert mail['Subject'] == f'You have 1 unread message in {workspace}'
    assert len(mails_to(mail_server, bob_email)) == 1
    ada.context.close()


def test_an_invitation_by_email_brings_a_newcomer_in(
    browser: Browser, email_server: ServerProcess, mail_server: SmtpServer
) -> None:
    workspace = unique_workspace()
    ada = log_in(browser, email_server, 'Ada', create_user(email_server, 'Ada', workspace, admin=True))
    slug = re.search(r'/w/([^/]+)', ada.page.url)
    assert slug is not None
    ada.page.goto(f'{email_server.url}/w/{slug.group(1)}/invites')
    guest_email = f'gus-{uuid.uuid4().hex[:6]}@example.com'
    ada.page.get_by_test_id('invite-email').fill(guest_email)
    ada.page.get_by_test_id('invite-create').click()
    expect(ada.page.get_by_text(f'The invite is on its way to {guest_email}.')).to_be_visible()

    mail = wait_for_mail_to(mail_server, guest_email, timeout=30)
    assert mail['Subject'] == f'Ada invited you to {workspace}'
    link = re.search(r'(http://\S+/join/\S+)', text_of(mail))
    assert link is not None
    guest = browser.new_context()
    page = guest.new_page()
    page.goto(link.group(1))  # logged out: sign up first, then the link is used
    sign_up(page, email_server.url, guest_email, 'Gus Guest')
    page.locator('.chat-main [data-testid=composer]').fill('Hello, the e-mail found me')
    page.locator('.chat-main [data-testid=composer]').press('Enter')
    ada.page.goto(f'{email_server.url}/w/{slug.group(1)}')
    expect(ada.message('Hello, the e-mail found me')).to_be_visible()

    # Ada turns digests off for herself; the switch remembers it.
    ada.page.get_by_test_id('set-status').click()
    switch = ada.page.get_by_test_id('email-notifications')
    expect(switch).to_have_attribute('aria-checked', 'true')
    switch.click()
    ada.page.get_by_test_id('status-save').click()
    expect(ada.page.get_by_test_id('status-dialog')).to_be_hidden()
    ada.page.get_by_test_id('set-status').click()
    expect(ada.page.get_by_test_id('email-notifications')).to_have_attribute('aria-checked', 'false')
    guest.close()
    ada.context.close()
