"""Claiming an imported, password-less account: only through an invite bound to exactly its address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import UNUSABLE_PASSWORD, Invite, User, WorkspaceMember
from state.actions.accounts import EMAIL_TAKEN, UNCLAIMED, authenticate, sign_up
from state.actions.claims import claim_account, sign_up_or_claim
from state.actions.workspaces import accept_invite, create_invite, revoke_invite
from state.errors import Conflict, Forbidden, InvalidInput, NotFound
from state.events import UserChanged
from tests.factories import RecordingBackend, World, add_row, update_row

IMPORTED = 'grace@example.com'
PASSWORD = 'correct horse battery'
DAY = timedelta(days=1)


@pytest.fixture
def imported(world: World) -> int:
    """A person the Slack import created: a member of the workspace, with no password."""
    user = User(email=IMPORTED, display_name='grace.h', password_hash=UNUSABLE_PASSWORD)
    add_row(user)
    assert user.id is not None
    add_row(WorkspaceMember(workspace_id=world.workspace, user_id=user.id))
    return user.id


def _bound_link(world: World, email: str = IMPORTED) -> str:
    return create_invite(world.ada, world.workspace, DAY, 1, email=email, send_email=False)


def _password_hash(user_id: int) -> str:
    with read_session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.password_hash


def test_a_bound_invite_claims_the_existing_account(world: World, imported: int) -> None:
    token = _bound_link(world)
    user = sign_up_or_claim(' Grace@Example.com ', 'Grace Hopper', PASSWORD, '10.0.0.1', token)
    assert user.id == imported  # the same row: the imported history is theirs
    assert user.display_name == 'Grace Hopper'
    assert authenticate(IMPORTED, PASSWORD, '10.0.0.1').id == imported
    with read_session() as session:
        invite = session.exec(select(Invite)).one()
        assert invite.uses == 1 and invite.email == IMPORTED
    assert accept_invite(imported, token).id == world.workspace  # the /join hop after the login changes nothing


def test_the_claim_tells_the_workspaces_after_commit(world: World, imported: int, published: RecordingBackend) -> None:
    claim_account(_bound_link(world), IMPORTED, 'Grace Hopper', PASSWORD)
    changed = [event for _topic, event in published.of_type(UserChanged)]
    assert [event.user.display_name for event in changed] == ['Grace Hopper']


def test_an_unbound_link_cannot_claim_and_the_address_stays_taken(world: World, imported: int) -> None:
    token = create_invite(world.ada, world.workspace, DAY, 5)
    with pytest.raises(Conflict, match='Ask a workspace admin to send an invitation to this address'):
        sign_up_or_claim(IMPORTED, 'Mallory', PASSWORD, '10.0.0.2', token)
    with pytest.raises(Conflict) as plain:
        sign_up(IMPORTED, 'Mallory', PASSWORD, '10.0.0.2')
    assert plain.value.message == UNCLAIMED
    assert _password_hash(imported) == UNUSABLE_PASSWORD


def test_an_invite_bound_to_another_address_cannot_claim(world: World, imported: int) -> None:
    token = _bound_link(world, 'someone.else@example.com')
    with pytest.raises(Conflict, match='has not been claimed yet'):
        claim_account(token, IMPORTED, 'Mallory', PASSWORD)
    assert _password_hash(imported) == UNUSABLE_PASSWORD


def test_an_account_with_a_password_is_never_claimed(world: World) -> None:
    ada_email = 'ada-claim@example.com'
    update_row(User, world.ada, email=ada_email)
    token = _bound_link(world, ada_email)
    with pytest.raises(Conflict) as refused:
        claim_account(token, ada_email, 'Mallory', PASSWORD)
    assert refused.value.message == EMAIL_TAKEN
    with pytest.raises(Conflict):
        sign_up_or_claim(ada_email, 'Mallory', PASSWORD, None, token)
    assert _password_hash(world.ada) == 'not-a-real-hash'


def test_a_deactivated_imported_person_is_not_claimable(world: World, imported: int) -> None:
    update_row(User, imported, is_active=False)
    with pytest.raises(Forbidden):
        claim_account(_bound_link(world), IMPORTED, 'Grace', PASSWORD)
    assert _password_hash(imported) == UNUSABLE_PASSWORD


def test_a_claimed_account_cannot_be_claimed_again(world: World, imported: int) -> None:
    claim_account(_bound_link(world), IMPORTED, 'Grace', PASSWORD)
    with pytest.raises(Conflict):
        claim_account(_bound_link(world), IMPORTED, 'Mallory', 'another password!')
    assert authenticate(IMPORTED, PASSWORD, '10.0.0.3').display_name == 'Grace'


def test_a_revoked_or_forged_invite_cannot_claim(world: World, imported: int) -> None:
    token = _bound_link(world)
    with read_session() as session:
        invite_id = session.exec(select(Invite)).one().id
    assert invite_id is not None
    revoke_invite(world.ada, invite_id)
    with pytest.raises(InvalidInput, match='revoked'):
        claim_account(token, IMPORTED, 'Grace', PASSWORD)
    with pytest.raises(NotFound):
        claim_account('forged', IMPORTED, 'Grace', PASSWORD)
    assert _password_hash(imported) == UNUSABLE_PASSWORD


def test_a_bound_link_without_email_needs_no_smtp_but_only_admins_make_one(world: World) -> None:
    with pytest.raises(NotFound):
        create_invite(world.eve, world.workspace, DAY, 1, email=IMPORTED, send_email=False)
    with pytest.raises(InvalidInput, match='E-mail is off'):
        create_invite(world.ada, world.workspace, DAY, 1, email=IMPORTED)  # sending still needs SMTP
