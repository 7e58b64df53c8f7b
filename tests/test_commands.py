"""The CLI commands (create-user, create-token, seed-demo) through main.cli, as an operator runs them."""

from __future__ import annotations

import pytest
from sqlmodel import col, func, select

from db.engine import read_session
from db.models import ApiToken, Channel, Message, Reaction, User, WorkspaceRole
from db.models import Mention as MentionRow
from db.workspace_queries import general_channel, membership, workspace_by_slug
from main import cli
from state.actions.accounts import authenticate
from state.security import token_hash

PASSWORD = 'correct horse battery'


def user_id(email: str) -> int:
    with read_session() as session:
        user = session.exec(select(User).where(User.email == email)).one()
    assert user.id is not None
    return user.id


def count(model: type) -> int:
    with read_session() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_create_user_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(['create-user', '--email', 'Ada@Example.com', '--name', 'Ada', '--password', PASSWORD]) == 0
    assert 'created user ada@example.com' in capsys.readouterr().out
    assert authenticate('ada@example.com', PASSWORD, '127.0.0.1').display_name == 'Ada'


def test_create_user_creates_a_missing_workspace_with_general() -> None:
    assert (
        cli(
            [
                'create-user',
                '--email',
                'ada@example.com',
                '--name',
                'Ada',
                '--password',
                PASSWORD,
                '--workspace',
                'Acme Inc',
            ]
        )
        == 0
    )
    workspace = workspace_by_slug('acme-inc')
    assert workspace is not None and workspace.id is not None and workspace.name == 'Acme Inc'
    assert membership(workspace.id, user_id('ada@example.com')).role == WorkspaceRole.OWNER  # type: ignore[union-attr]
    assert general_channel(workspace.id) is not None


def test_create_user_joins_an_existing_workspace_by_name_or_slug(capsys: pytest.CaptureFixture[str]) -> None:
    cli(['create-user', '--email', 'ada@example.com', '--name', 'Ada', '--password', PASSWORD, '--workspace', 'Acme'])
    assert (
        cli(
            [
                'create-user',
                '--email',
                'bob@example.com',
                '--name',
                'Bob',
                '--password',
                PASSWORD,
                '--workspace',
                'acme',
                '--admin',
            ]
        )
        == 0
    )
    assert (
        cli(['create-user', '--email', 'cy@example.com', '--name', 'Cy', '--password', PASSWORD, '--workspace', 'Acme'])
        == 0
    )
    assert 'joined "Acme" (/w/acme) as member' in capsys.readouterr().out
    workspace = workspace_by_slug('acme')
    assert workspace is not None and workspace.id is not None
    roles = {
        email: membership(workspace.id, user_id(email)).role  # type: ignore[union-attr]
        for email in ('ada@example.com', 'bob@example.com', 'cy@example.com')
    }
    assert roles == {'ada@example.com': 'owner', 'bob@example.com': 'admin', 'cy@example.com': 'member'}


@pytest.mark.parametrize(
    ('email', 'password', 'message'),
    [
        ('ada@example.com', PASSWORD, 'already exists'),
        ('not-an-email', PASSWORD, 'valid email'),
        ('new@example.com', 'short', 'at least 8'),
    ],
)
def test_create_user_refuses_bad_input(
    capsys: pytest.CaptureFixture[str], email: str, password: str, message: str
) -> None:
    cli(['create-user', '--email', 'ada@example.com', '--name', 'Ada', '--password', PASSWORD])
    capsys.readouterr()
    assert (
        cli(['create-user', '--email', email, '--name', 'Someone', '--password', password, '--workspace', 'Acme']) == 1
    )
    assert message in capsys.readouterr().err
    assert count(User) == 1
    assert workspace_by_slug('acme') is None


def test_create_token_prints_a_token_stored_only_hashed(capsys: pytest.CaptureFixture[str]) -> None:
    cli(['create-user', '--email', 'ada@example.com', '--name', 'Ada', '--password', PASSWORD, '--workspace', 'Acme'])
    capsys.readouterr()
    assert cli(['create-token', '--email', 'ada@example.com', '--workspace', 'Acme']) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 43 and '\n' not in token
    with read_session() as session:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).one()
    assert row.user_id == user_id('ada@example.com') and not row.is_bot


def test_create_token_for_a_bot(capsys: pytest.CaptureFixture[str]) -> None:
    cli(['create-user', '--email', 'ada@example.com', '--name', 'Ada', '--password', PASSWORD, '--workspace', 'Acme'])
    capsys.readouterr()
    assert cli(['create-token', '--email', 'ada@example.com', '--workspace', 'acme', '--bot', 'Deploy Bot']) == 0
    token = capsys.readouterr().out.strip()
    with read_session() as session:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).one()
        bot = session.get(User, row.user_id)
    assert row.is_bot and bot is not None and bot.display_name == 'Deploy Bot'


@pytest.mark.parametrize(
    ('email', 'workspace', 'message'),
    [
        ('nobody@example.com', 'Acme', 'no account'),
        ('bob@example.com', 'Acme', 'not a member'),
        ('ada@example.com', 'Nowhere', 'not a member'),
    ],
)
def test_create_token_refusals(capsys: pytest.CaptureFixture[str], email: str, workspace: str, message: str) -> None:
    cli(['create-user', '--email', 'ada@example.com', '--name', 'Ada', '--password', PASSWORD, '--workspace', 'Acme'])
    cli(['create-user', '--email', 'bob@example.com', '--name', 'Bob', '--password', PASSWORD])
    capsys.readouterr()
    assert cli(['create-token', '--email', email, '--workspace', workspace]) == 1
    assert message in capsys.readouterr().err
    assert count(ApiToken) == 0


def test_seed_demo_builds_a_lived_in_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(['seed-demo']) == 0
    out = capsys.readouterr().out
    assert 'alice@demo.example' in out and "'demo-password'" in out
    workspace = workspace_by_slug('demo')
    assert workspace is not None and workspace.id is not None
    alice = authenticate('alice@demo.example', 'demo-password', '127.0.0.1')
    assert membership(workspace.id, alice.id or 0).role == WorkspaceRole.OWNER  # type: ignore[union-attr]
    with read_session() as session:
        kinds = sorted(session.exec(select(Channel.kind).where(Channel.workspace_id == workspace.id)).all())
        names = set(session.exec(select(Channel.name).where(Channel.workspace_id == workspace.id)).all())
        messages = session.exec(select(Message).order_by(col(Message.id))).all()
    assert {'general', 'random', 'engineering', 'leadership'} <= names
    assert kinds.count('private') >= 1 and kinds.count('direct') >= 2 and kinds.count('group') >= 1
    assert len(messages) >= 200
    assert sum(m.thread_root_id is not None for m in messages) >= 30
    assert count(Reaction) >= 30 and count(MentionRow) >= 5
    stamps = [m.created_at for m in messages]
    assert stamps == sorted(stamps)  # the server's id order and the backdated times agree
    assert (stamps[-1] - stamps[0]).days >= 5
    roots = {m.id: m for m in messages if m.reply_count}
    assert roots and all(r.last_reply_at is not None and r.last_reply_at > r.created_at for r in roots.values())

    assert cli(['seed-demo']) == 0  # a second run is harmless
    assert 'already exists' in capsys.readouterr().out
    assert count(Message) == len(messages)


def test_create_user_as_a_guest_of_named_channels(capsys: pytest.CaptureFixture[str]) -> None:
    cli(['create-user', '--email', 'ada@example.com', '--name', 'Ada', '--password', PASSWORD, '--workspace', 'Acme'])
    guest = ['create-user', '--name', 'Gus', '--password', PASSWORD, '--workspace', 'Acme']
    assert cli([*guest, '--email', 'gus@example.com', '--guest-in', 'general']) == 0
    assert 'as a guest in general' in capsys.readouterr().out
    workspace = workspace_by_slug('acme')
    assert workspace is not None and workspace.id is not None
    found = membership(workspace.id, user_id('gus@example.com'))
    assert found is not None and found.role == WorkspaceRole.GUEST
    assert cli([*guest, '--email', 'gil@example.com', '--guest-in', 'nowhere']) == 1
    assert 'No channel called #nowhere' in capsys.readouterr().err
    assert membership(workspace.id, user_id('gil@example.com')) is None
