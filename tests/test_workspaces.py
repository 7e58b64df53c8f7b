"""Workspaces, #general, invites (expiry, use limit, revoked, forged) and the operator add_member path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, session_scope
from db.models import ChannelMember, Invite, User, WorkspaceMember, WorkspaceRole
from db.workspace_queries import (
    general_channel,
    list_invites,
    membership,
    workspace_by_name_or_slug,
    workspace_by_slug,
    workspaces_for_user,
)
from state.actions.accounts import sign_up
from state.actions.workspaces import (
    INVITE_EXPIRED,
    INVITE_INVALID,
    INVITE_REVOKED,
    INVITE_USED_UP,
    accept_invite,
    add_member,
    create_invite,
    create_workspace,
    revoke_invite,
    slugify,
)
from state.bus import bus, channel_topic, user_topic, workspace_topic
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import Event, MemberJoined
from state.security import token_hash

pytestmark = pytest.mark.usefixtures('db')

DAY = timedelta(days=1)


@pytest.fixture
async def started_bus() -> AsyncIterator[None]:
    await bus.start()
    yield
    await bus.stop()


def new_user(name: str) -> User:
    return sign_up(f'{name.lower()}@example.com', name, 'correct horse battery')


def uid(user: User) -> int:
    assert user.id is not None
    return user.id


def general_member_ids(workspace_id: int) -> set[int]:
    general = general_channel(workspace_id)
    assert general is not None
    with read_session() as session:
        rows = session.exec(select(ChannelMember.user_id).where(ChannelMember.channel_id == general.id)).all()
    return set(rows)


def invite_row(token: str) -> Invite:
    with read_session() as session:
        row = session.exec(select(Invite).where(Invite.token_hash == token_hash(token))).first()
    assert row is not None
    return row


@pytest.mark.parametrize(
    ('name', 'slug'),
    [('Acme Inc.', 'acme-inc'), ('  Ünïcode Café  ', 'unicode-cafe'), ('日本語', 'workspace'), ('a' * 60, 'a' * 40)],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_create_workspace_makes_the_actor_owner_and_member_of_general() -> None:
    ada = new_user('Ada')
    workspace = create_workspace(uid(ada), '  Analytical   Engines ')
    assert workspace.id is not None
    assert (workspace.name, workspace.slug) == ('Analytical Engines', 'analytical-engines')
    member = membership(workspace.id, uid(ada))
    assert member is not None and member.role == WorkspaceRole.OWNER
    general = general_channel(workspace.id)
    assert general is not None and general.kind == 'public'
    assert general_member_ids(workspace.id) == {uid(ada)}
    assert [w.id for w in workspaces_for_user(uid(ada))] == [workspace.id]
    assert workspace_by_slug('analytical-engines') == workspace
    assert workspace_by_name_or_slug('Analytical Engines') == workspace


def test_slugs_stay_unique() -> None:
    ada = new_user('Ada')
    slugs = [create_workspace(uid(ada), name).slug for name in ('Acme', 'ACME', 'acme!', 'Acme-2')]
    assert slugs == ['acme', 'acme-2', 'acme-3', 'acme-2-2']


@pytest.mark.parametrize(('name', 'message'), [('   ', 'enter a workspace name'), ('w' * 81, 'at most 80')])
def test_bad_workspace_names(name: str, message: str) -> None:
    ada = new_user('Ada')
    with pytest.raises(InvalidInput, match=message):
        create_workspace(uid(ada), name)
    assert workspaces_for_user(uid(ada)) == []


def test_unknown_actor_cannot_create_a_workspace() -> None:
    with pytest.raises(NotFound):
        create_workspace(999, 'Ghosts')
    assert workspace_by_slug('ghosts') is None


@pytest.mark.usefixtures('started_bus')
async def test_accepting_an_invite_joins_as_member_and_general_and_publishes() -> None:
    ada, bob = new_user('Ada'), new_user('Bob')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    general = general_channel(workspace.id)
    assert general is not None and general.id is not None
    heard: list[tuple[str, Event]] = []
    bus.subscribe(workspace_topic(workspace.id), lambda e: heard.append(('workspace', e)))
    bus.subscribe(channel_topic(general.id), lambda e: heard.append(('channel', e)))
    bus.subscribe(user_topic(uid(bob)), lambda e: heard.append(('user', e)))
    token = create_invite(uid(ada), workspace.id, DAY, 5)
    assert invite_row(token).token_hash != token  # stored hashed only

    joined = accept_invite(uid(bob), token)

    assert joined.id == workspace.id
    member = membership(workspace.id, uid(bob))
    assert member is not None and member.role == WorkspaceRole.MEMBER
    assert general_member_ids(workspace.id) == {uid(ada), uid(bob)}
    assert invite_row(token).uses == 1
    joins = [(where, e.channel_id) for where, e in heard if isinstance(e, MemberJoined) and e.user.id == uid(bob)]
    assert sorted(joins, key=str) == sorted(
        [('workspace', None), ('channel', general.id), ('user', general.id)], key=str
    )


@pytest.mark.usefixtures('started_bus')
async def test_accepting_again_is_idempotent() -> None:
    ada, bob = new_user('Ada'), new_user('Bob')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    token = create_invite(uid(ada), workspace.id, DAY, 1)
    accept_invite(uid(bob), token)
    heard: list[Event] = []
    bus.subscribe(workspace_topic(workspace.id), heard.append)
    assert accept_invite(uid(bob), token).id == workspace.id  # used up, but Bob is already in: fine
    assert accept_invite(uid(ada), token).id == workspace.id  # the owner clicking their own link: fine
    assert heard == []
    assert invite_row(token).uses == 1
    assert membership(workspace.id, uid(ada)).role == WorkspaceRole.OWNER  # type: ignore[union-attr]


def test_use_limit() -> None:
    ada, bob, cy, di = new_user('Ada'), new_user('Bob'), new_user('Cy'), new_user('Di')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    token = create_invite(uid(ada), workspace.id, DAY, 2)
    accept_invite(uid(bob), token)
    accept_invite(uid(cy), token)
    with pytest.raises(InvalidInput, match='used as often as allowed') as info:
        accept_invite(uid(di), token)
    assert info.value.message == INVITE_USED_UP
    assert membership(workspace.id, uid(di)) is None
    assert invite_row(token).uses == 2


def test_expired_invite() -> None:
    ada, bob = new_user('Ada'), new_user('Bob')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    token = create_invite(uid(ada), workspace.id, DAY, 5)
    with session_scope() as session:
        row = session.exec(select(Invite).where(Invite.token_hash == token_hash(token))).one()
        row.expires_at = row.created_at - timedelta(seconds=1)
    with pytest.raises(InvalidInput) as info:
        accept_invite(uid(bob), token)
    assert info.value.message == INVITE_EXPIRED
    assert membership(workspace.id, uid(bob)) is None
    assert invite_row(token).uses == 0


def test_revoked_invite() -> None:
    ada, bob = new_user('Ada'), new_user('Bob')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    token = create_invite(uid(ada), workspace.id, DAY, 5)
    revoke_invite(uid(ada), invite_row(token).id or 0)
    revoke_invite(uid(ada), invite_row(token).id or 0)  # twice is harmless
    with pytest.raises(InvalidInput) as info:
        accept_invite(uid(bob), token)
    assert info.value.message == INVITE_REVOKED
    assert membership(workspace.id, uid(bob)) is None


@pytest.mark.parametrize('token', ['', 'forged-token', 'x' * 500])
def test_forged_invite(token: str) -> None:
    ada, bob = new_user('Ada'), new_user('Bob')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    create_invite(uid(ada), workspace.id, DAY, 5)
    with pytest.raises(NotFound) as info:
        accept_invite(uid(bob), token)
    assert info.value.message == INVITE_INVALID
    assert workspaces_for_user(uid(bob)) == []


def test_only_owners_and_admins_create_and_revoke_invites() -> None:
    ada, bob, eve = new_user('Ada'), new_user('Bob'), new_user('Eve')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    accept_invite(uid(bob), create_invite(uid(ada), workspace.id, DAY, 5))
    with pytest.raises(Forbidden, match='owners and admins'):
        create_invite(uid(bob), workspace.id, DAY, 5)
    with pytest.raises(NotFound, match='Workspace not found'):
        create_invite(uid(eve), workspace.id, DAY, 5)  # outsiders learn nothing
    invite_id = list_invites(workspace.id)[0].id or 0
    with pytest.raises(Forbidden):
        revoke_invite(uid(bob), invite_id)
    with pytest.raises(NotFound):
        revoke_invite(uid(eve), invite_id)
    with pytest.raises(NotFound):
        revoke_invite(uid(ada), 12345)
    assert len(list_invites(workspace.id)) == 1 and not list_invites(workspace.id)[0].revoked
    add_member(workspace.id, uid(bob), WorkspaceRole.ADMIN)
    create_invite(uid(bob), workspace.id, DAY, 5)  # an admin may
    revoke_invite(uid(bob), invite_id)
    assert len(list_invites(workspace.id)) == 2


@pytest.mark.parametrize(
    ('expires_in', 'max_uses', 'message'),
    [
        (timedelta(0), 1, 'between one minute and 30 days'),
        (timedelta(days=31), 1, 'between one minute'),
        (DAY, 0, 'between 1 and 1000'),
        (DAY, 1001, 'between 1 and 1000'),
    ],
)
def test_invite_bounds(expires_in: timedelta, max_uses: int, message: str) -> None:
    ada = new_user('Ada')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    with pytest.raises(InvalidInput, match=message):
        create_invite(uid(ada), workspace.id, expires_in, max_uses)
    assert list_invites(workspace.id) == []


def test_add_member_adds_to_general_and_only_ever_raises_the_role() -> None:
    ada, bob = new_user('Ada'), new_user('Bob')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    assert add_member(workspace.id, uid(bob)).role == WorkspaceRole.MEMBER
    assert uid(bob) in general_member_ids(workspace.id)
    assert add_member(workspace.id, uid(bob), WorkspaceRole.ADMIN).role == WorkspaceRole.ADMIN
    assert add_member(workspace.id, uid(bob), WorkspaceRole.MEMBER).role == WorkspaceRole.ADMIN
    assert add_member(workspace.id, uid(ada), WorkspaceRole.ADMIN).role == WorkspaceRole.OWNER
    with read_session() as session:
        assert len(session.exec(select(WorkspaceMember)).all()) == 2
    with pytest.raises(NotFound):
        add_member(999, uid(bob))


def test_a_user_can_belong_to_several_workspaces() -> None:
    ada, bob = new_user('Ada'), new_user('Bob')
    first = create_workspace(uid(ada), 'Zeta')
    second = create_workspace(uid(bob), 'Alpha')
    assert first.id is not None and second.id is not None
    accept_invite(uid(ada), create_invite(uid(bob), second.id, DAY, 1))
    assert [w.name for w in workspaces_for_user(uid(ada))] == ['Alpha', 'Zeta']


def test_a_newcomer_starts_with_general_read() -> None:
    ada, bob = new_user('Ada'), new_user('Bob')
    workspace = create_workspace(uid(ada), 'Acme')
    assert workspace.id is not None
    general = general_channel(workspace.id)
    assert general is not None
    with session_scope() as session:
        stored = session.get(type(general), general.id)
        assert stored is not None
        stored.last_message_id = 42  # as if the channel had history
    accept_invite(uid(bob), create_invite(uid(ada), workspace.id, DAY, 1))
    with read_session() as session:
        joined = session.get(ChannelMember, (general.id, uid(bob)))
    assert joined is not None and joined.last_read_message_id == 42
