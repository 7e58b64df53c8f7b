"""API tokens: stored hashed; bot tokens create a bot member that cannot log in."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import ApiToken, User
from db.workspace_queries import membership
from state.actions.accounts import authenticate, sign_up
from state.actions.tokens import create_api_token
from state.actions.workspaces import add_member, create_workspace
from state.errors import Forbidden, InvalidInput, NotFound
from state.security import token_hash

pytestmark = pytest.mark.usefixtures('db')


def setup_workspace() -> tuple[int, int, int]:
    """(workspace id, owner id, plain member id)."""
    owner = sign_up('owner@example.com', 'Owner', 'correct horse battery')
    member = sign_up('member@example.com', 'Member', 'correct horse battery')
    assert owner.id is not None and member.id is not None
    workspace = create_workspace(owner.id, 'Acme')
    assert workspace.id is not None
    add_member(workspace.id, member.id)
    return workspace.id, owner.id, member.id


def stored(token: str) -> ApiToken:
    with read_session() as session:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    assert row is not None
    return row


def test_user_token_is_stored_only_as_its_hash() -> None:
    workspace_id, _owner_id, member_id = setup_workspace()
    token = create_api_token(member_id, workspace_id, name='  my   script ')
    row = stored(token)
    assert (row.user_id, row.workspace_id, row.name, row.is_bot) == (member_id, workspace_id, 'my script', False)
    with read_session() as session:
        assert all(token not in t.token_hash for t in session.exec(select(ApiToken)).all())


def test_bot_token_creates_a_bot_member_that_cannot_log_in() -> None:
    workspace_id, owner_id, _member_id = setup_workspace()
    token = create_api_token(owner_id, workspace_id, bot_name='Deploy Bot')
    row = stored(token)
    assert row.is_bot and row.user_id != owner_id and row.name == 'Deploy Bot'
    with read_session() as session:
        bot = session.get(User, row.user_id)
    assert bot is not None and bot.display_name == 'Deploy Bot'
    assert membership(workspace_id, row.user_id) is not None
    with pytest.raises(InvalidInput, match='Wrong email or password'):
        authenticate(bot.email, bot.password_hash, '10.0.0.1')


def test_only_admins_create_bots_and_only_members_get_tokens() -> None:
    workspace_id, _owner_id, member_id = setup_workspace()
    outsider = sign_up('outsider@example.com', 'Outsider', 'correct horse battery')
    assert outsider.id is not None
    with pytest.raises(Forbidden):
        create_api_token(member_id, workspace_id, bot_name='Sneaky Bot')
    with pytest.raises(NotFound):
        create_api_token(outsider.id, workspace_id)
    with pytest.raises(NotFound):
        create_api_token(member_id, 999)
    with pytest.raises(InvalidInput):
        create_api_token(member_id, workspace_id, name='n' * 81)
    with read_session() as session:
        assert session.exec(select(ApiToken)).all() == []
        assert len(session.exec(select(User)).all()) == 3
