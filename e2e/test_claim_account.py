"""Claiming an imported account in real browsers, one context per person.

Ada owns a workspace and imports a Slack export into it, which creates Bob without a password. From the
Members tab she makes an invitation bound to Bob's address (no SMTP here: a link to copy); Bob follows it in his
own browser, sets his name and password, and finds the imported messages are his (he may edit them). Ada's
open Members tab drops "not claimed yet" without a reload. A plain link cannot claim the account.
Also a guest invite made in the invite manager: its guest sees only the chosen channel, and Ada sees them there.
"""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from e2e.chat_helpers import PASSWORD, ChatUser, create_user, log_in, run_script, unique_workspace
from e2e.conftest import ServerProcess
from e2e.helpers import SHOTS, create_invite_link
from tests import slack_export_fixture as fixture


def _export(path: Path, ada_email: str, bob_email: str) -> Path:
    files = fixture.members()
    for user in files['users.json']:
        if user['id'] == fixture.ADA:
            user['profile']['email'] = ada_email
        elif user['id'] == fixture.BOB:
            user['profile']['email'] = bob_email
        elif 'email' in user.get('profile', {}):  # unique per run: tests share one server and its database
            user['profile']['email'] = f'{uuid.uuid4().hex[:8]}-{user["profile"]["email"]}'
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, value in files.items():
            archive.writestr(name, json.dumps(value))
    return path


def _row(page: Page, email: str) -> Locator:
    return page.locator(f'[data-testid=member-row][data-user="{email}"]')


def _sign_up(page: Page, email: str, name: str) -> None:
    expect(page.get_by_test_id('signup-email')).to_be_visible()
    page.get_by_test_id('signup-email').fill(email)
    page.get_by_test_id('signup-name').fill(name)
    page.get_by_test_id('signup-password').fill(PASSWORD)
    page.get_by_test_id('signup-submit').click()


def test_an_imported_person_claims_their_account_through_a_bound_invite(
    browser: Browser, server: ServerProcess, tmp_path: Path
) -> None:
    workspace = unique_workspace()
    ada_email = create_user(server, 'Ada', workspace)  # the first person of a new workspace is its owner
    bob_email = f'bob-{uuid.uuid4().hex[:8]}@example.com'
    report = server.run(
        'import-slack', str(_export(tmp_path / 'slack.zip', ada_email, bob_email)), '--workspace', workspace
    )
    assert 'imported 11 messages' in report
    ada = log_in(browser, server, 'Ada', ada_email)

    # A plain link does not let anyone take the imported identity.
    plain = create_invite_link(ada.page, server.url, workspace)
    mallory = browser.new_context().new_page()
    mallory.goto(plain)
    _sign_up(mallory, bob_email, 'Mallory')
    expect(mallory.get_by_test_id('auth-error')).to_contain_text('Ask a workspace admin to send an invitation')
    mallory.context.close()

    ada.page.goto(f'{server.url}/w/{workspace}/admin')
    bob_row = _row(ada.page, bob_email)
    expect(bob_row.get_by_test_id('member-unclaimed')).to_have_text('not claimed yet')
    bob_row.get_by_test_id('member-invite').click()
    link = ada.page.get_by_test_id('member-invite-link')
    expect(link).to_contain_text('/join/')
    ada.page.screenshot(path=str(SHOTS / 'claim-members-tab.png'), full_page=True)

    context = browser.new_context(viewport={'width': 1280, 'height': 800})
    bob_page = context.new_page()
    bob_page.goto(link.inner_text().strip())
    _sign_up(bob_page, bob_email, 'Bob Builder')
    expect(bob_page).to_have_url(re.compile(rf'/w/{workspace}'))
    bob = ChatUser('Bob Builder', bob_email, context, bob_page)
    bob.open_channel('random')
    imported = bob.message('Random thought')
    expect(imported.get_by_test_id('message-author')).to_have_text('Bob Builder')
    imported.hover()
    expect(imported.get_by_test_id('action-edit')).to_be_visible()  # only on one's own messages
    bob.page.screenshot(path=str(SHOTS / 'claim-bob-history.png'))

    # Ada's open tab follows without a reload.
    expect(bob_row.get_by_test_id('member-unclaimed')).to_have_count(0)
    expect(bob_row.get_by_test_id('member-name')).to_have_text('Bob Builder')
    ada.page.screenshot(path=str(SHOTS / 'claim-members-claimed.png'), full_page=True)
    for person in (ada, bob):
        person.context.close()


def test_a_guest_invite_from_the_invite_manager_admits_to_the_chosen_channel_only(
    browser: Browser, server: ServerProcess
) -> None:
    workspace = unique_workspace()
    ada_email = create_user(server, 'Ada', workspace)
    bob_email = create_user(server, 'Bob', workspace)
    setup = f'private_channel({workspace!r}, {ada_email!r}, {bob_email!r}, "project")'
    run_script(server, f'from e2e.scenes import private_channel; {setup}')
    ada = log_in(browser, server, 'Ada', ada_email)

    ada.page.goto(f'{server.url}/w/{workspace}/invites')
    ada.page.get_by_test_id('invite-guest').click()
    ada.page.get_by_test_id('invite-guest-channels').click()
    ada.page.get_by_role('option', name='#project').click()
    ada.page.keyboard.press('Escape')
    ada.page.get_by_test_id('invite-create').click()
    link = ada.page.get_by_test_id('invite-link')
    expect(link).to_contain_text('/join/')
    expect(ada.page.get_by_test_id('invite-kind').first).to_have_text('guest')
    ada.page.screenshot(path=str(SHOTS / 'claim-guest-invite.png'), full_page=True)
    url = link.inner_text().strip()

    context = browser.new_context(viewport={'width': 1280, 'height': 800})
    gus_page = context.new_page()
    gus_page.goto(url)
    _sign_up(gus_page, f'gus-{uuid.uuid4().hex[:8]}@example.com', 'Gus')
    expect(gus_page).to_have_url(re.compile(rf'/w/{workspace}'))
    gus = ChatUser('Gus', '', context, gus_page)
    expect(gus.page.get_by_test_id('channel-name')).to_have_text('#project')
    expect(gus.page.get_by_test_id('channel-link')).to_have_count(1)  # not #general

    ada.page.goto(f'{server.url}/w/{workspace}')
    ada.open_channel('project')
    gus.send('Hello from the guest')
    expect(ada.message('Hello from the guest')).to_be_visible()  # live, in Ada's open #project
    for person in (ada, gus):
        person.context.close()
