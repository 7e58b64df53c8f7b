"""The administration console in real browsers, one context per person.

Ada (the owner) makes Bob an admin and Bob's open tab gains the admin link without a reload, then loses it
again; Ada deactivates Bob and Bob's open tab leaves for /login, his API token answers `account_inactive` and
he cannot log in; a member asking for the console gets a plain "not found". Screenshots of every tab.
"""

from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import Browser, Locator, Page, expect

from e2e.chat_helpers import PASSWORD, ChatUser, create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess
from e2e.helpers import SHOTS


def _workspace(browser: Browser, server: ServerProcess) -> tuple[str, ChatUser, ChatUser]:
    slug = unique_workspace()
    ada = create_user(server, 'Ada', slug)  # the first person of a new workspace is its owner
    bob = create_user(server, 'Bob', slug)
    return slug, log_in(browser, server, 'Ada', ada), log_in(browser, server, 'Bob', bob)


def _console(page: Page, server: ServerProcess, slug: str) -> None:
    page.goto(f'{server.url}/w/{slug}/admin')
    expect(page.get_by_test_id('admin-members')).to_be_visible()


def _row(page: Page, email: str) -> Locator:
    return page.locator(f'[data-testid=member-row][data-user="{email}"]')


def _pick_role(page: Page, email: str, role: str) -> None:
    page.locator(f'[data-testid=member-row][data-user="{email}"] [data-testid=member-role]').click()
    page.get_by_role('option', name=role, exact=True).click()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f'admin-{name}.png'), full_page=True)


def _api(server: ServerProcess, method: str, token: str) -> dict[str, object]:
    request = urllib.request.Request(
        f'{server.url}/api/{method}', data=b'', headers={'Authorization': f'Bearer {token}'}, method='POST'
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # loopback: the test's own server
        return json.loads(answer.read())


def test_a_role_change_shows_and_hides_the_admin_link_live(browser: Browser, server: ServerProcess) -> None:
    slug, ada, bob = _workspace(browser, server)
    link = bob.page.get_by_test_id('admin-link')
    expect(link).to_be_hidden()
    expect(ada.page.get_by_test_id('admin-link')).to_be_visible()
    _console(ada.page, server, slug)
    _shot(ada.page, 'members')

    _pick_role(ada.page, bob.email, 'admin')
    expect(link).to_be_visible()  # Bob's open tab, no reload
    _shot(bob.page, 'link')
    link.click()
    expect(bob.page).to_have_url(re.compile(rf'/w/{slug}/admin$'))
    expect(bob.page.get_by_test_id('admin-members')).to_be_visible()

    _pick_role(ada.page, bob.email, 'member')
    expect(bob.page).to_have_url(re.compile(rf'/w/{slug}$'))  # his console closed itself
    expect(bob.page.get_by_test_id('admin-link')).to_be_hidden()

    ada.page.get_by_test_id('admin-tab-audit').click()
    rows = ada.page.get_by_test_id('audit-row')
    expect(rows.first).to_have_attribute('data-action', 'member.role')
    expect(rows.first).to_contain_text('127.0.0.1')  # from where: the browser's address
    _shot(ada.page, 'audit')
    ada.page.get_by_test_id('admin-tab-invitations').click()
    ada.page.get_by_test_id('invite-create').click()
    expect(ada.page.get_by_test_id('invite-link')).to_contain_text('/join/')
    _shot(ada.page, 'invitations')
    ada.page.get_by_test_id('admin-tab-integrations').click()
    expect(ada.page.get_by_test_id('admin-open-apps')).to_be_visible()
    _shot(ada.page, 'integrations')
    ada.page.get_by_test_id('admin-open-apps').click()
    expect(ada.page.get_by_test_id('apps-dialog')).to_be_visible()  # the shell's own dialog, reused


def test_deactivation_ends_the_tab_the_token_and_the_log_in(browser: Browser, server: ServerProcess) -> None:
    slug, ada, bob = _workspace(browser, server)
    token = server.run('create-token', '--email', bob.email, '--workspace', slug).strip().split()[-1]
    assert _api(server, 'auth.test', token)['ok'] is True
    bob.send('a message that stays')
    expect(bob.message('a message that stays')).to_have_count(1)
    _console(ada.page, server, slug)

    _row(ada.page, bob.email).get_by_test_id('member-deactivate').click()
    expect(bob.page).to_have_url(re.compile(r'/login'))  # his open tab left, within seconds
    expect(_row(ada.page, bob.email)).to_have_attribute('data-active', 'false')
    expect(_row(ada.page, bob.email).get_by_test_id('member-reactivate')).to_be_visible()
    _shot(ada.page, 'members-deactivated')
    assert _api(server, 'auth.test', token) == {'ok': False, 'error': 'account_inactive'}

    bob.page.get_by_test_id('login-email').fill(bob.email)
    bob.page.get_by_test_id('login-password').fill(PASSWORD)
    bob.page.get_by_test_id('login-submit').click()
    expect(bob.page.get_by_text('This account has been deactivated')).to_be_visible()

    ada.page.goto(f'{server.url}/w/{slug}')
    author = ada.message('a message that stays').get_by_test_id('message-author')
    expect(author).to_have_text('Bob (deactivated)')


def test_a_member_gets_not_found_at_the_console(browser: Browser, server: ServerProcess) -> None:
    slug, _ada, bob = _workspace(browser, server)
    bob.page.goto(f'{server.url}/w/{slug}/admin')
    expect(bob.page.get_by_test_id('not-found')).to_have_text('Page not found.')
    expect(bob.page.get_by_test_id('admin-members')).to_have_count(0)
