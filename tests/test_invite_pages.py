"""Creating a workspace, managing invites and joining through a link, through NiceGUI's simulated user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from db.engine import read_session, session_scope
from db.models import Invite, WorkspaceRole
from db.models import User as UserRow
from db.workspace_queries import list_invites, membership, workspace_by_slug, workspaces_for_user
from state.actions.accounts import sign_up
from state.actions.workspaces import accept_invite, create_invite, create_workspace
from tests.page_helpers import RETRIES, current_path, eventually, log_in_via_page, sign_up_via_page

PASSWORD = 'correct horse battery'


def owner_with_workspace(name: str = 'Acme') -> tuple[int, int]:
    owner = sign_up('owner@example.com', 'Olivia Owner', PASSWORD)
    assert owner.id is not None
    workspace = create_workspace(owner.id, name)
    assert workspace.id is not None
    return owner.id, workspace.id


async def log_in(user: User, email: str, landing: str, next_path: str = '/') -> None:
    await log_in_via_page(user, email, PASSWORD, path=f'/login?next={next_path}')
    await user.should_see(landing, retries=RETRIES)


async def test_new_workspace_page_creates_and_opens_it(user: User) -> None:
    ada = sign_up('ada@example.com', 'Ada', PASSWORD)
    assert ada.id is not None
    await log_in(user, 'ada@example.com', 'Create a workspace')
    user.find('workspace-name').type('Analytical Engines')
    user.find('workspace-create').click()
    await eventually(lambda: current_path(user) == '/w/analytical-engines')
    workspace = workspace_by_slug('analytical-engines')
    assert workspace is not None and workspace.id is not None
    assert membership(workspace.id, ada.id).role == WorkspaceRole.OWNER  # type: ignore[union-attr]


async def test_new_workspace_page_rejects_an_empty_name(user: User) -> None:
    ada = sign_up('ada@example.com', 'Ada', PASSWORD)
    assert ada.id is not None
    await log_in(user, 'ada@example.com', 'Create a workspace')
    user.find('workspace-name').type('   ')
    user.find('workspace-create').click()
    await user.should_see('Please enter a workspace name.')
    assert workspaces_for_user(ada.id) == []


async def test_admin_creates_and_revokes_invite_links(user: User) -> None:
    _owner_id, workspace_id = owner_with_workspace()
    await log_in(user, 'owner@example.com', 'Invite people to Acme', next_path='/w/acme/invites')
    await user.should_see('No invite links yet.')
    user.find('invite-create').click()
    await user.should_see('Share this link:')
    link = user.find('invite-link').elements.pop()
    assert isinstance(link, ui.label)
    assert link.text.startswith('http://test/join/')
    [invite] = list_invites(workspace_id)
    assert (invite.max_uses, invite.uses, invite.revoked) == (10, 0, False)
    assert invite.expires_at - invite.created_at == timedelta(days=7)
    await user.should_see('active')

    user.find('invite-revoke').click()
    await user.should_see('revoked')
    assert list_invites(workspace_id)[0].revoked


async def test_invite_options_are_applied(user: User) -> None:
    _owner_id, workspace_id = owner_with_workspace()
    await log_in(user, 'owner@example.com', 'Invite people to Acme', next_path='/w/acme/invites')
    expiry = user.find('invite-expiry').elements.pop()
    assert isinstance(expiry, ui.select)
    expiry.value = '1 hour'
    user.find('invite-max-uses').clear().type('3')
    user.find('invite-create').click()
    await user.should_see('0 of 3 uses')
    [invite] = list_invites(workspace_id)
    assert invite.max_uses == 3
    assert invite.expires_at - invite.created_at == timedelta(hours=1)


async def test_members_are_not_allowed_to_manage_invites(user: User) -> None:
    owner_id, workspace_id = owner_with_workspace()
    member = sign_up('member@example.com', 'Max Member', PASSWORD)
    assert member.id is not None
    accept_invite(member.id, create_invite(owner_id, workspace_id, timedelta(days=1), 1))
    await log_in(user, 'member@example.com', 'You are not allowed to manage invites', next_path='/w/acme/invites')
    await user.should_not_see('invite-create')
    assert len(list_invites(workspace_id)) == 1


@pytest.mark.parametrize('slug', ['acme', 'no-such-workspace'])
async def test_strangers_and_forged_slugs_see_not_found(user: User, slug: str) -> None:
    owner_with_workspace()
    sign_up('eve@example.com', 'Eve', PASSWORD)
    await log_in(user, 'eve@example.com', 'Create a workspace')
    await user.open(f'/w/{slug}/invites')
    await user.should_see('Workspace not found.', retries=RETRIES)
    await user.should_not_see('Acme')  # not even the name leaks


async def test_join_link_when_logged_out_signs_up_then_joins(user: User) -> None:
    owner_id, workspace_id = owner_with_workspace()
    token = create_invite(owner_id, workspace_id, timedelta(days=1), 5)
    await user.open(f'/join/{token}')
    await user.should_see('Create your account', retries=RETRIES)
    assert current_path(user) == f'/signup?next=%2Fjoin%2F{token}'
    await user.should_see('Log in')  # a link for people who already have an account

    await sign_up_via_page(user, 'newbie@example.com', 'Nora Newbie', PASSWORD, path=current_path(user))

    await eventually(lambda: current_path(user) == '/w/acme')
    with read_session() as session:
        invite = session.exec(select(Invite)).one()
    assert invite.uses == 1
    with read_session() as session:
        newbie = session.exec(select(UserRow).where(UserRow.email == 'newbie@example.com')).one()
    assert newbie.id is not None
    assert [w.slug for w in workspaces_for_user(newbie.id)] == ['acme']
    assert membership(workspace_id, newbie.id).role == WorkspaceRole.MEMBER  # type: ignore[union-attr]


async def test_join_link_when_logged_in_joins_at_once(user: User) -> None:
    owner_id, workspace_id = owner_with_workspace()
    bob = sign_up('bob@example.com', 'Bob', PASSWORD)
    assert bob.id is not None
    token = create_invite(owner_id, workspace_id, timedelta(days=1), 5)
    await log_in(user, 'bob@example.com', 'Create a workspace')
    await user.open(f'/join/{token}')
    assert current_path(user) == '/w/acme'
    assert membership(workspace_id, bob.id) is not None


@pytest.mark.parametrize(
    ('spoil', 'message'),
    [
        ('forged', 'This invite link is not valid.'),
        ('expired', 'This invite link has expired.'),
        ('revoked', 'This invite link has been revoked.'),
        ('used up', 'already been used as often as allowed'),
    ],
)
async def test_bad_join_links_explain_and_change_nothing(
    user: User, create_user: Callable[[], User], spoil: str, message: str
) -> None:
    owner_id, workspace_id = owner_with_workspace()
    token = create_invite(owner_id, workspace_id, timedelta(days=1), 1)
    with session_scope() as session:
        invite = session.exec(select(Invite)).one()
        if spoil == 'expired':
            invite.expires_at = invite.created_at - timedelta(seconds=1)
        elif spoil == 'revoked':
            invite.revoked = True
        elif spoil == 'used up':
            invite.uses = invite.max_uses
    bob = sign_up('bob@example.com', 'Bob', PASSWORD)
    assert bob.id is not None
    await log_in(user, 'bob@example.com', 'Create a workspace')
    await user.open('/join/' + ('forged-token' if spoil == 'forged' else token))
    await user.should_see(message)
    assert current_path(user).startswith('/join/')
    assert membership(workspace_id, bob.id) is None
    with read_session() as session:
        assert session.exec(select(Invite)).one().uses == (1 if spoil == 'used up' else 0)


async def test_without_smtp_the_invite_page_offers_no_email_field(user: User) -> None:
    owner_with_workspace()
    await log_in(user, 'owner@example.com', 'Invite people to Acme', next_path='/w/acme/invites')
    await user.should_see('invite-create')
    await user.should_not_see('invite-email')  # e-mail is off: the link is shared by hand
