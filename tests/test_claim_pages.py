"""Through NiceGUI's simulated user: the Members tab's invitation for imported people, claiming through the
sign-up page, and guest invites from the invite manager."""

from __future__ import annotations

from datetime import timedelta

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from db.engine import read_session
from db.models import UNUSABLE_PASSWORD, WorkspaceMember, WorkspaceRole
from db.models import User as UserRow
from db.workspace_queries import list_invites
from state.actions.accounts import sign_up
from state.actions.channels import create_channel
from state.actions.workspaces import create_invite, create_workspace
from tests.factories import add_row
from tests.page_helpers import RETRIES, current_path, eventually, open_logged_in, sign_up_via_page

PASSWORD = 'correct horse battery'
IMPORTED = 'grace@example.com'


def acme_with_imported_person() -> tuple[int, int, int]:
    owner = sign_up('owner@example.com', 'Olivia Owner', PASSWORD)
    assert owner.id is not None
    workspace = create_workspace(owner.id, 'Acme')
    assert workspace.id is not None
    grace = UserRow(email=IMPORTED, display_name='grace.h', password_hash=UNUSABLE_PASSWORD)
    add_row(grace)
    assert grace.id is not None
    add_row(WorkspaceMember(workspace_id=workspace.id, user_id=grace.id))
    return owner.id, grace.id, workspace.id


def _password_hash(user_id: int) -> str:
    with read_session() as session:
        row = session.get(UserRow, user_id)
        assert row is not None
        return row.password_hash


async def test_the_members_tab_invites_an_unclaimed_person_with_a_bound_link(user: User) -> None:
    _owner, _grace, workspace = acme_with_imported_person()
    await open_logged_in(user, 'owner@example.com', '/w/acme/admin')
    await user.should_see(IMPORTED, retries=RETRIES)
    await user.should_see('not claimed yet')
    user.find('member-invite').click()
    await user.should_see('E-mail is off: send grace@example.com this link yourself:', retries=RETRIES)
    link = user.find('member-invite-link').elements.pop()
    assert isinstance(link, ui.label)
    [invite] = list_invites(workspace)
    assert invite.email == IMPORTED and invite.max_uses == 1
    assert link.text.startswith('http://test/join/')


async def test_signing_up_through_a_bound_link_claims_the_account(user: User) -> None:
    owner, grace, workspace = acme_with_imported_person()
    token = create_invite(owner, workspace, timedelta(days=1), 1, email=IMPORTED, send_email=False)
    await user.open(f'/join/{token}')
    await user.should_see('Create your account', retries=RETRIES)
    email = user.find('signup-email').elements.pop()
    assert isinstance(email, ui.input) and email.value == IMPORTED  # the form starts with the bound address
    user.find('signup-name').type('Grace Hopper')
    user.find('signup-password').type(PASSWORD)
    user.find('signup-submit').click()
    await eventually(lambda: current_path(user) == '/w/acme')
    assert _password_hash(grace) != UNUSABLE_PASSWORD
    with read_session() as session:
        rows = session.exec(select(UserRow).where(UserRow.email == IMPORTED)).all()
    assert [(row.id, row.display_name) for row in rows] == [(grace, 'Grace Hopper')]


async def test_a_plain_link_tells_the_imported_person_to_ask_for_an_invitation(user: User) -> None:
    owner, grace, workspace = acme_with_imported_person()
    token = create_invite(owner, workspace, timedelta(days=1), 5)
    await sign_up_via_page(user, IMPORTED, 'Mallory', PASSWORD, path=f'/signup?next=/join/{token}')
    await user.should_see('Ask a workspace admin to send an invitation to this address', retries=RETRIES)
    assert _password_hash(grace) == UNUSABLE_PASSWORD


async def test_the_invite_manager_makes_guest_invites_for_chosen_channels(user: User) -> None:
    owner, _grace, workspace = acme_with_imported_person()
    project = create_channel(owner, workspace, 'project')
    create_channel(owner, workspace, 'random')
    await open_logged_in(user, 'owner@example.com', '/w/acme/invites')
    await user.should_see('Invite people to Acme', retries=RETRIES)
    guest = user.find('invite-guest').elements.pop()
    assert isinstance(guest, ui.checkbox)
    guest.value = True
    channels = user.find('invite-guest-channels').elements.pop()
    assert isinstance(channels, ui.select)
    assert set(channels.options.values()) >= {'#general', '#project', '#random'}  # type: ignore[union-attr]
    user.find('invite-create').click()
    await user.should_see('A guest invite must name at least one channel the guest may see.')
    channels.value = [project.id]
    user.find('invite-create').click()
    await user.should_see('guest', retries=RETRIES)
    [invite] = list_invites(workspace)
    assert invite.role == WorkspaceRole.GUEST and invite.channel_ids == str(project.id)
