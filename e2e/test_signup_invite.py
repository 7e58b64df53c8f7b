"""Two browsers: one signs up and creates a workspace and an invite, the other joins through the link."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, expect

from e2e.conftest import ServerProcess
from e2e.helpers import create_invite_link, create_workspace, log_in, sign_up, unique_email


def test_two_people_sign_up_and_meet_in_general(browser: Browser, server: ServerProcess) -> None:
    owner = browser.new_context()
    guest = browser.new_context()
    try:
        first, second = owner.new_page(), guest.new_page()
        sign_up(first, server.url, unique_email('olivia'), 'Olivia Owner')
        expect(first).to_have_url(f'{server.url}/new-workspace')  # a fresh account has no workspace yet
        slug = create_workspace(first, server.url, f'Team {uuid.uuid4().hex[:6]}')
        link = create_invite_link(first, server.url, slug)
        assert link.startswith(f'{server.url}/join/')

        second.goto(link)  # logged out: sign up first, then the link is used
        expect(second).to_have_url(re.compile(r'/signup\?next=%2Fjoin%2F'))
        sign_up(second, server.url, unique_email('gus'), 'Gus Guest')

        first.goto(f'{server.url}/w/{slug}')
        for page in (first, second):
            expect(page).to_have_url(re.compile(rf'/w/{slug}(/c/\d+)?$'))
            expect(page.locator('[data-testid=channel-link][data-channel=general]')).to_be_visible()

        # Same workspace, same #general: what one writes, the other sees live.
        second.locator('.chat-main [data-testid=composer]').fill('Hello, I just joined')
        second.locator('.chat-main [data-testid=composer]').press('Enter')
        expect(first.get_by_test_id('message').filter(has_text='Hello, I just joined')).to_be_visible()
    finally:
        owner.close()
        guest.close()


def test_logout_closes_every_tab_of_that_session(browser: Browser, server: ServerProcess) -> None:
    context = browser.new_context()
    other = browser.new_context()
    try:
        email = unique_email('lou')
        tab = context.new_page()
        sign_up(tab, server.url, email, 'Lou Logout')
        slug = create_workspace(tab, server.url, f'Logout {uuid.uuid4().hex[:6]}')
        second_tab = context.new_page()
        second_tab.goto(f'{server.url}/w/{slug}')
        expect(second_tab.get_by_test_id('logout')).to_be_visible()
        laptop = other.new_page()  # the same person in another browser keeps their session
        log_in(laptop, server.url, email, next_path=f'/w/{slug}')

        tab.get_by_test_id('logout').click()

        expect(tab).to_have_url(re.compile(r'/login'))
        expect(second_tab).to_have_url(re.compile(r'/login'))  # pushed out live, without a click
        second_tab.goto(f'{server.url}/w/{slug}')
        expect(second_tab).to_have_url(re.compile(r'/login\?next='))
        laptop.reload()
        expect(laptop).to_have_url(re.compile(rf'/w/{slug}'))
    finally:
        context.close()
        other.close()


def test_bad_invite_link_explains_itself(browser: Browser, server: ServerProcess) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_up(page, server.url, unique_email('bea'), 'Bea Badlink')
        page.goto(f'{server.url}/join/not-a-real-token')
        expect(page.get_by_test_id('join-error')).to_contain_text('This invite link is not valid')
    finally:
        context.close()
