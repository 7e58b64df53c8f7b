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
    readable_by,
    readable_channel_ids,
    readable_in_session,
)
from db.engine import read_session
from db.models import Channel, ChannelKind, User, WorkspaceRole
from db.views import ChannelView
from tests.factories import add_member, make_channel, make_user, make_workspace, update_row

pytestmark = pytest.mark.usefixtures('db')

READERS = ('member', 'workspace member', 'outsider', 'other workspace', 'deactivated member')


@pytest.mark.parametrize('kind', list(ChannelKind))
def test_sql_and_python_read_rules_agree(kind: ChannelKind) -> None:
    ada, bob, cy, eve, dan = (make_user(name) for name in ('Ada', 'Bob', 'Cy', 'Eve', 'Dan'))
    workspace = make_workspace(ada)
    make_workspace(eve, 'Other')
    add_member(workspace, bob)
    add_member(workspace, dan)
    name = 'room' if kind in (ChannelKind.PUBLIC, ChannelKind.PRIVATE) else None
    channel = make_channel(workspace, name, [ada, dan], kind=kind)
    update_row(User, dan.id, is_active=False)
    readers = dict(zip(READERS, (ada, bob, cy, eve, dan), strict=True))
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
