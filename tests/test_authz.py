"""The read rule's SQL form and Python form agree for every channel kind and every kind of reader."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.authz import (
    general_condition,
    is_admin_role,
    is_general,
    is_read_only,
    may_archive,
    may_leave,
    may_see_person,
    people_visible_to,
    readable_by,
    readable_channel_ids,
    readable_in_session,
)
from db.engine import read_session
from db.models import Channel, ChannelKind, User, WorkspaceRole
from db.views import ChannelView
from tests.factories import add_member, make_channel, make_user, make_workspace, update_row

pytestmark = pytest.mark.usefixtures('db')

READERS = (
    'member',
    'workspace member',
    'outsider',
    'other workspace',
    'deactivated member',
    'guest in it',
    'guest outside it',
)


@pytest.mark.parametrize('kind', list(ChannelKind))
def test_sql_and_python_read_rules_agree(kind: ChannelKind) -> None:
    ada, bob, cy, eve, dan, gus, gil = (make_user(n) for n in ('Ada', 'Bob', 'Cy', 'Eve', 'Dan', 'Gus', 'Gil'))
    workspace = make_workspace(ada)
    make_workspace(eve, 'Other')
    add_member(workspace, bob)
    add_member(workspace, dan)
    add_member(workspace, gus, WorkspaceRole.GUEST)
    add_member(workspace, gil, WorkspaceRole.GUEST)
    name = 'room' if kind in (ChannelKind.PUBLIC, ChannelKind.PRIVATE) else None
    members = [ada, dan, gus] if kind != ChannelKind.DIRECT else [ada, dan]
    channel = make_channel(workspace, name, members, kind=kind)
    update_row(User, dan.id, is_active=False)
    readers = dict(zip(READERS, (ada, bob, cy, eve, dan, gus, gil), strict=True))
    assert workspace.id is not None and channel.id is not None
    seen: dict[str, bool] = {}
    with read_session() as session:
        for label, user in readers.items():
            uid = user.id or 0
            by_sql = channel.id in set(session.exec(readable_channel_ids(uid, workspace.id)).all())
            by_sql_anywhere = channel.id in set(session.exec(select(Channel.id).where(readable_by(uid))).all())
            by_python = readable_in_session(session, uid, channel.id) is not None
            assert by_sql == by_python, f'{label} on a {kind} channel: SQL {by_sql}, Python {by_python}'
            assert by_sql_anywhere == by_python, f'{label} on a {kind} channel: readable_by {by_sql_anywhere}'
            seen[label] = by_python
    assert seen['member'] and seen['deactivated member']  # deactivation does not change reading
    assert seen['workspace member'] == (kind == ChannelKind.PUBLIC)
    assert not seen['outsider'] and not seen['other workspace']
    assert seen['guest in it'] == (kind != ChannelKind.DIRECT)  # a guest reads what they are in, public or not
    assert not seen['guest outside it']  # and never browses a public channel


def test_small_rules() -> None:
    assert is_admin_role(WorkspaceRole.OWNER) and is_admin_role(WorkspaceRole.ADMIN)
    assert not is_admin_role(WorkspaceRole.MEMBER) and not is_admin_role(None)
    assert is_general(ChannelKind.PUBLIC, 'general') and not is_general(ChannelKind.PRIVATE, 'general')
    assert not may_leave(ChannelKind.PUBLIC, 'general') and may_leave(ChannelKind.PUBLIC, 'design')
    assert not may_archive(ChannelKind.DIRECT, None) and may_archive(ChannelKind.PRIVATE, 'x')


def test_archived_is_read_only_for_rows_and_views() -> None:
    row = Channel(workspace_id=1, kind=ChannelKind.PUBLIC, name='old', archived=True)
    assert is_read_only(row) and not is_read_only(Channel(workspace_id=1, kind=ChannelKind.PUBLIC, name='new'))
    view = ChannelView(id=1, workspace_id=1, kind=ChannelKind.PUBLIC, name='old', archived=True)
    assert is_read_only(view) and not is_read_only(view.model_copy(update={'archived': False}))


def test_sql_and_python_general_rules_agree() -> None:
    ada = make_user('Ada')
    workspace = make_workspace(ada)
    make_channel(workspace, 'design', [ada])
    for kind in (ChannelKind.PRIVATE, ChannelKind.DIRECT, ChannelKind.GROUP):  # a "general" that is not #general
        other = make_workspace(ada, f'Other {kind}')
        with read_session() as session:
            general = session.exec(select(Channel).where(Channel.workspace_id == other.id)).one()
        update_row(Channel, general.id, kind=kind)
    with read_session() as session:
        channels = session.exec(select(Channel)).all()
        by_sql = set(session.exec(select(Channel.id).where(general_condition())).all())
    by_python = {channel.id for channel in channels if is_general(channel.kind, channel.name)}
    assert by_sql == by_python and len(by_python) == 1  # the first workspace's #general, nothing else


def test_people_rules_agree_and_guests_see_only_their_channel_mates() -> None:
    ada, bob, cy, gus, eve = (make_user(name) for name in ('Ada', 'Bob', 'Cy', 'Gus', 'Eve'))
    workspace = make_workspace(ada)
    for person in (bob, cy):
        add_member(workspace, person)
    add_member(workspace, gus, WorkspaceRole.GUEST)
    make_workspace(eve, 'Other')
    make_channel(workspace, 'project', [bob, gus], kind=ChannelKind.PRIVATE)
    assert workspace.id is not None
    everyone = {u.id for u in (ada, bob, cy, gus, eve)}
    expected = {
        'ada': {ada.id, bob.id, cy.id, gus.id},
        'gus': {gus.id, bob.id},  # themselves and the people of #project, never #general's
        'eve': set(),  # outside the workspace: nobody
    }
    with read_session() as session:
        for label, viewer in (('ada', ada), ('gus', gus), ('eve', eve)):
            vid = viewer.id or 0
            by_sql = set(session.exec(select(User.id).where(people_visible_to(session, vid, workspace.id))).all())
            by_sql &= expected['ada']  # the SQL form leaves the workspace filter to the query
            by_python = {uid for uid in everyone if may_see_person(session, vid, workspace.id, uid or 0)}
            assert by_sql == by_python == expected[label], label
