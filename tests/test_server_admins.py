"""The server-admin role from the command line (create-user --server-admin, grant-server-admin) and the query
the live inspector asks before every push."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.engine import session_scope
from db.models import User
from db.server_admin_queries import is_server_admin, server_admin_ids
from main import cli
from tests.test_commands import PASSWORD, user_id


def create(email: str, *extra: str) -> int:
    assert cli(['create-user', '--email', email, '--name', email.split('@')[0], '--password', PASSWORD, *extra]) == 0
    return user_id(email)


def test_create_user_can_make_a_server_admin(capsys: pytest.CaptureFixture[str]) -> None:
    op = create('op@example.com', '--server-admin')
    plain = create('plain@example.com')
    assert 'op@example.com is a server admin' in capsys.readouterr().out
    assert is_server_admin(op) and not is_server_admin(plain)


def test_grant_and_revoke_server_admin(capsys: pytest.CaptureFixture[str]) -> None:
    ada = create('ada@example.com')
    assert cli(['grant-server-admin', '--email', 'ADA@example.com']) == 0
    assert 'ada@example.com is a server admin' in capsys.readouterr().out
    assert is_server_admin(ada)
    assert cli(['grant-server-admin', '--email', 'ada@example.com', '--revoke']) == 0
    assert 'no longer a server admin' in capsys.readouterr().out
    assert not is_server_admin(ada)


def test_granting_to_an_unknown_address_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    create('ada@example.com')
    assert cli(['grant-server-admin', '--email', 'nobody@example.com']) == 1
    assert 'There is no account with this e-mail address.' in capsys.readouterr().err


def test_a_deactivated_server_admin_is_none() -> None:
    op = create('op@example.com', '--server-admin')
    other = create('other@example.com', '--server-admin')
    with session_scope() as session:
        account = session.exec(select(User).where(User.id == op)).one()
        account.is_active = False
        session.add(account)
    assert server_admin_ids([op, other, 999]) == {other}
    assert server_admin_ids([]) == set()
