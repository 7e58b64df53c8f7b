"""The admin console through NiceGUI's simulated user: who gets it, its tabs, the live admin link, and the
Web API's `account_inactive` for a deactivated person's token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User

from db.admin_queries import AUDIT_PAGE_SIZE
from db.workspace_queries import membership
from state.actions.accounts import sign_up
from state.actions.members import deactivate_member, set_member_role
from state.actions.tokens import create_api_token
from state.actions.workspaces import accept_invite, create_invite, create_workspace
from tests.page_helpers import RETRIES, current_path, eventually, handlers_done, open_logged_in
from tests.slack_support import SlackCaller

PASSWORD = 'correct horse battery'


def acme_with_member() -> tuple[int, int, int]:
    owner = sign_up('owner@example.com', 'Olivia Owner', PASSWORD)
    member = sign_up('bea@example.com', 'Bea Member', PASSWORD)
    assert owner.id is not None and member.id is not None
    workspace = create_workspace(owner.id, 'Acme')
    assert workspace.id is not None
    accept_invite(member.id, create_invite(owner.id, workspace.id, timedelta(days=1), 1))
    return owner.id, member.id, workspace.id


async def test_an_owner_changes_a_role_from_the_members_tab(user: User) -> None:
    _owner, member, workspace = acme_with_member()
    await open_logged_in(user, 'owner@example.com', '/w/acme/admin')
    await user.should_see('Administration · Acme', retries=RETRIES)
    for label in ('Members', 'Invitations', 'Integrations', 'Audit log'):
        await user.should_see(label)
    await user.should_see('bea@example.com', retries=RETRIES)
    select = next(e for e in user.find('member-role').elements if isinstance(e, ui.select) and e.value == 'member')
    select.value = 'admin'
    await eventually(lambda: str(getattr(membership(workspace, member), 'role', '')) == 'admin')


@pytest.mark.parametrize('path', ['/w/acme/admin', '/w/no-such/admin'])
async def test_members_and_strangers_get_plain_not_found(user: User, path: str) -> None:
    acme_with_member()
    await open_logged_in(user, 'bea@example.com', path)
    await user.should_see('Page not found.', retries=RETRIES)
    await user.should_not_see('Administration')
    await user.should_not_see('Members')


async def test_the_admin_link_follows_the_role_live(user: User) -> None:
    owner, member, workspace = acme_with_member()
    await open_logged_in(user, 'bea@example.com', '/w/acme')
    await user.should_see('#general', retries=RETRIES)
    assert user.client is not None
    with user.client:  # hidden elements too
        [link] = list(ElementFilter(marker='admin-link', local_scope=False))
    assert not link.visible
    set_member_role(owner, workspace, member, 'admin')
    await eventually(lambda: link.visible)
    set_member_role(owner, workspace, member, 'guest')
    await eventually(lambda: not link.visible)


async def test_an_open_console_closes_when_its_admin_is_demoted(user: User) -> None:
    owner, member, workspace = acme_with_member()
    set_member_role(owner, workspace, member, 'admin')
    await open_logged_in(user, 'bea@example.com', '/w/acme/admin')
    await user.should_see('Administration · Acme', retries=RETRIES)
    set_member_role(owner, workspace, member, 'member')
    await eventually(lambda: current_path(user) == '/w/acme')


async def test_a_deactivated_persons_token_is_account_inactive(user: User, slack: SlackCaller) -> None:
    owner, member, workspace = acme_with_member()
    token = create_api_token(member, workspace, 'script')
    assert (await slack('auth.test', token))['ok']
    deactivate_member(owner, workspace, member)
    assert await slack.error('auth.test', token) == 'account_inactive'
    assert await slack.error('auth.test', 'xoxp-nonsense') == 'invalid_auth'


async def test_the_audit_log_pages_older_entries_on_demand(user: User) -> None:
    owner, member, workspace = acme_with_member()
    for turn in range(AUDIT_PAGE_SIZE + 5):  # each change is one entry, alternating roles
        set_member_role(owner, workspace, member, 'guest' if turn % 2 == 0 else 'member')
    await open_logged_in(user, 'owner@example.com', '/w/acme/admin?tab=audit')
    await eventually(lambda: len(audit_rows(user)) == AUDIT_PAGE_SIZE)
    user.find('audit-older').click()
    await eventually(lambda: len(audit_rows(user)) == AUDIT_PAGE_SIZE + 6)  # and the invite made at the start
    ids = [int(row.props['data-audit-id']) for row in audit_rows(user)]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)  # newest first, none twice


def audit_rows(user: User) -> list[ui.element]:
    assert user.client is not None
    with user.client:
        return list(ElementFilter(marker='audit-row', local_scope=False))


async def test_a_demoted_tab_that_ignores_the_redirect_opens_no_tab(user: User) -> None:
    owner, member, workspace = acme_with_member()
    set_member_role(owner, workspace, member, 'admin')
    await open_logged_in(user, 'bea@example.com', '/w/acme/admin')
    await user.should_see('Administration · Acme', retries=RETRIES)
    client = user.client
    assert client is not None
    with client:
        [panels] = list(ElementFilter(kind=ui.tab_panels, local_scope=False))
    set_member_role(owner, workspace, member, 'member')
    with client:  # the tab still sends a switch, as a modified browser could
        panels.value = 'audit'
        await handlers_done()
        assert not list(ElementFilter(content='Refresh', local_scope=False))  # the audit tab was not built
        assert not list(ElementFilter(marker='audit-row', local_scope=False))
        assert not list(ElementFilter(marker='member-role', local_scope=False))
