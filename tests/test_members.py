"""Workspace administration: every role rule of `set_member_role`, deactivation and its effects (sessions,
API tokens, log-in, reading), reactivation, and the audit rows written with each change."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import col, select

from db.admin_queries import audit_page, member_rows
from db.engine import read_session
from db.models import AuditEvent, Message, User, Workspace, WorkspaceMember
from db.view_builders import message_views
from db.workspace_queries import general_channel
from main import cli
from state.actions.accounts import authenticate, session_for_token, sign_up, start_session
from state.actions.guards import visible_channel
from state.actions.members import deactivate_member, reactivate_member, set_member_role
from state.actions.messages import send_message
from state.actions.tokens import create_api_token, token_identity, token_of_inactive_account
from state.actions.workspaces import create_invite, revoke_invite
from state.bus import user_topic, workspace_topic
from state.errors import Conflict, Forbidden, InvalidInput, NotFound
from state.events import MembershipChanged, SessionEnded
from tests.factories import RecordingBackend, World, add_member, make_user, make_workspace


def role_of(world: World, user_id: int) -> str:
    with read_session() as session:
        member = session.get(WorkspaceMember, (world.workspace, user_id))
        assert member is not None
        return str(member.role)


def make_admin(world: World, user_id: int) -> None:
    assert set_member_role(world.ada, world.workspace, user_id, 'admin')


# ---- roles -------------------------------------------------------------------------------------------------


def test_an_owner_sets_every_role_and_the_person_hears_of_it(world: World, published: RecordingBackend) -> None:
    for role in ('admin', 'guest', 'member', 'owner'):
        assert set_member_role(world.ada, world.workspace, world.bob, role, ip='10.1.2.3')
        assert role_of(world, world.bob) == role
    assert not set_member_role(world.ada, world.workspace, world.bob, 'owner')  # unchanged: nothing to do
    topics = [topic for topic, _ in published.of_type(MembershipChanged)]
    assert topics.count(user_topic(world.bob)) == 4 and topics.count(workspace_topic(world.workspace)) == 4
    last = published.of_type(MembershipChanged)[-1][1]
    assert (last.user_id, last.role, last.active) == (world.bob, 'owner', True)


def test_members_and_guests_cannot_change_roles(world: World) -> None:
    with pytest.raises(Forbidden, match='owners and admins'):
        set_member_role(world.bob, world.workspace, world.carl, 'admin')
    assert set_member_role(world.ada, world.workspace, world.carl, 'guest')
    with pytest.raises(Forbidden):
        set_member_role(world.carl, world.workspace, world.carl, 'owner')  # nobody raises themselves
    assert role_of(world, world.carl) == 'guest'


def test_an_admin_cannot_raise_anyone_above_admin_nor_touch_an_owner(world: World) -> None:
    make_admin(world, world.bob)
    with pytest.raises(Forbidden, match='above your own role'):
        set_member_role(world.bob, world.workspace, world.carl, 'owner')
    with pytest.raises(Forbidden, match='owner'):
        set_member_role(world.bob, world.workspace, world.ada, 'member')
    with pytest.raises(Forbidden, match='owner'):
        deactivate_member(world.bob, world.workspace, world.ada)
    assert set_member_role(world.bob, world.workspace, world.carl, 'admin')  # up to their own role is fine
    assert set_member_role(world.bob, world.workspace, world.carl, 'guest')
    assert role_of(world, world.ada) == 'owner'


def test_the_last_owner_stays(world: World) -> None:
    with pytest.raises(Conflict, match='at least one active owner'):
        set_member_role(world.ada, world.workspace, world.ada, 'admin')
    assert set_member_role(world.ada, world.workspace, world.bob, 'owner')
    assert set_member_role(world.ada, world.workspace, world.ada, 'admin')  # another owner exists now
    with pytest.raises(Conflict):
        set_member_role(world.bob, world.workspace, world.bob, 'member')
    # A deactivated owner does not count as the one that stays.
    assert set_member_role(world.bob, world.workspace, world.ada, 'owner')
    assert deactivate_member(world.bob, world.workspace, world.ada)
    with pytest.raises(Conflict):
        set_member_role(world.bob, world.workspace, world.bob, 'admin')


def test_bad_roles_strangers_and_unknown_people(world: World) -> None:
    with pytest.raises(InvalidInput, match='Unknown role'):
        set_member_role(world.ada, world.workspace, world.bob, 'superuser')
    with pytest.raises(NotFound):  # another workspace's owner cannot tell this one exists
        set_member_role(world.eve, world.workspace, world.bob, 'admin')
    with pytest.raises(NotFound, match='not a member'):
        set_member_role(world.ada, world.workspace, world.eve, 'admin')


def test_a_new_role_authorizes_the_next_action_at_once(world: World) -> None:
    with pytest.raises(Forbidden):
        create_invite(world.bob, world.workspace, _week(), 5)
    make_admin(world, world.bob)
    assert create_invite(world.bob, world.workspace, _week(), 5)
    assert set_member_role(world.ada, world.workspace, world.bob, 'member')
    with pytest.raises(Forbidden):
        create_invite(world.bob, world.workspace, _week(), 5)


# ---- deactivation ------------------------------------------------------------------------------------------


def test_deactivation_ends_sessions_tokens_log_in_and_reading(published: RecordingBackend, db: None) -> None:
    owner = make_user('Owner')
    workspace = make_workspace(owner)
    person = sign_up('bea@example.com', 'Bea', 'correct horse battery')
    assert owner.id is not None and person.id is not None and workspace.id is not None
    add_member(workspace, person)
    token, row = start_session(person.id)
    api_token = create_api_token(person.id, workspace.id, 'script')
    general = _general_id(workspace.id)
    send_message(person.id, general, 'before I leave', 'c-1')
    published.clear()

    assert deactivate_member(owner.id, workspace.id, person.id, ip='192.0.2.7')

    assert session_for_token(token) is None  # the session ended ...
    ended = published.of_type(SessionEnded)
    assert [(topic, event.session_id) for topic, event in ended] == [
        (user_topic(person.id), row.id)
    ]  # ... its tabs leave
    assert token_identity(api_token) is None and token_of_inactive_account(api_token)  # Slack: account_inactive
    with pytest.raises(Forbidden, match='deactivated'):
        authenticate('bea@example.com', 'correct horse battery', '10.0.0.9')
    with pytest.raises(NotFound):
        visible_channel_of(person.id, general)
    with read_session() as session:
        messages = session.exec(select(Message).where(Message.channel_id == general)).all()
        names = {view.author_name for view in message_views(session, messages)}
    assert 'Bea (deactivated)' in names  # their messages stay, marked
    assert [r.active for r in member_rows(workspace.id, 'bea')] == [False]
    assert not deactivate_member(owner.id, workspace.id, person.id)  # twice: nothing more to do

    assert reactivate_member(owner.id, workspace.id, person.id)
    assert authenticate('bea@example.com', 'correct horse battery', '10.0.0.9').id == person.id
    assert token_identity(api_token) is None and not token_of_inactive_account(api_token)  # tokens stay ended
    assert visible_channel_of(person.id, general)
    actions = [r.action for r in audit_page(workspace.id)]
    assert actions[:2] == ['member.reactivate', 'member.deactivate']
    deactivated = audit_page(workspace.id)[1]
    assert deactivated.ip == '192.0.2.7' and deactivated.target_name == 'Bea'
    assert json.loads(deactivated.detail) == {'account_deactivated': True, 'sessions_ended': 1, 'tokens_revoked': 1}


def test_nobody_deactivates_themselves_or_the_last_owner(world: World) -> None:
    with pytest.raises(Forbidden, match='yourself'):
        deactivate_member(world.ada, world.workspace, world.ada)
    make_admin(world, world.bob)
    with pytest.raises(Forbidden):
        deactivate_member(world.carl, world.workspace, world.bob)  # a member cannot
    assert deactivate_member(world.bob, world.workspace, world.carl)
    assert deactivate_member(world.ada, world.workspace, world.bob)
    with pytest.raises(NotFound):  # a deactivated admin can no longer act
        reactivate_member(world.bob, world.workspace, world.carl)


def test_an_account_active_in_another_workspace_stays_on(world: World) -> None:
    with read_session() as session:
        bob = session.get(User, world.bob)
        eves = session.exec(select(Workspace).join(WorkspaceMember).where(WorkspaceMember.user_id == world.eve)).one()
    assert bob is not None
    add_member(eves, bob)
    make_admin(world, world.bob)
    assert deactivate_member(world.ada, world.workspace, world.bob)
    with pytest.raises(NotFound):  # a deactivated admin is a stranger to the workspace's admin actions
        create_invite(world.bob, world.workspace, _week(), 5)
    with pytest.raises(NotFound):
        create_api_token(world.bob, world.workspace, 'script')
    with read_session() as session:
        stored = session.get(User, world.bob)
        assert stored is not None and stored.is_active  # he still logs in, for Eve's workspace
    assert visible_channel_of(world.bob, _general_id(require(eves.id)))
    with pytest.raises(NotFound):
        visible_channel_of(world.bob, world.general)  # and reads nothing of Ada's


# ---- audit -------------------------------------------------------------------------------------------------


def test_audit_rows_for_invites_and_tokens_are_paged_newest_first(world: World) -> None:
    create_invite(world.ada, world.workspace, _week(), 3, ip='203.0.113.5')
    with read_session() as session:
        invite_id = session.exec(select(AuditEvent.target_id).where(AuditEvent.action == 'invite.create')).one()
    assert invite_id is not None
    revoke_invite(world.ada, invite_id, ip='203.0.113.5')
    revoke_invite(world.ada, invite_id)  # revoking twice records nothing more
    create_api_token(world.ada, world.workspace, 'bot', bot_name='Helper')
    for _ in range(3):
        set_member_role(world.ada, world.workspace, world.carl, 'admin')
        set_member_role(world.ada, world.workspace, world.carl, 'member')
    first = audit_page(world.workspace, limit=4)
    rest = audit_page(world.workspace, before_id=first[-1].id, limit=50)
    actions = [r.action for r in first + rest]
    assert actions == ['member.role'] * 6 + ['token.create', 'invite.revoke', 'invite.create']
    assert [r.id for r in first + rest] == sorted((r.id for r in first + rest), reverse=True)
    assert rest[-1].ip == '203.0.113.5' and rest[-1].actor_name == 'Ada'
    assert audit_page(world.workspace + 1000) == []


def test_a_refused_change_records_nothing(world: World) -> None:
    with pytest.raises(Forbidden):
        set_member_role(world.bob, world.workspace, world.carl, 'admin')
    with read_session() as session:
        assert session.exec(select(col(AuditEvent.id))).first() is None


def visible_channel_of(user_id: int, channel_id: int) -> bool:
    with read_session() as session:
        visible_channel(session, user_id, channel_id)
    return True


def _general_id(workspace_id: int) -> int:
    general = general_channel(workspace_id)
    assert general is not None
    return require(general.id)


def require(value: int | None) -> int:
    assert value is not None
    return value


def _week() -> timedelta:
    return timedelta(days=7)


# ---- the operator's CLI ------------------------------------------------------------------------------------


def test_set_member_on_the_command_line(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    email = _email(world.bob)
    assert cli(['set-member', '--workspace', world.slug, '--email', email, '--role', 'owner']) == 0
    assert role_of(world, world.bob) == 'owner'
    assert cli(['set-member', '--workspace', world.slug, '--email', email, '--deactivate']) == 0
    assert 'deactivated' in capsys.readouterr().out.splitlines()[-1]
    assert cli(['set-member', '--workspace', world.slug, '--email', email, '--reactivate']) == 0
    assert capsys.readouterr().out.strip().endswith('active')
    # The operator skips the role rules, not the one about owners.
    assert cli(['set-member', '--workspace', world.slug, '--email', _email(world.ada), '--role', 'member']) == 0
    assert cli(['set-member', '--workspace', world.slug, '--email', email, '--role', 'member']) == 1
    assert 'at least one active owner' in capsys.readouterr().err
    assert cli(['set-member', '--workspace', world.slug, '--email', _email(world.eve), '--role', 'admin']) == 1


def _email(user_id: int) -> str:
    with read_session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.email
