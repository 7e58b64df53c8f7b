"""Guests: invited into chosen channels, they see those channels and their people, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.directory_queries import visible_people_ids, workspace_directory
from db.models import ChannelKind, ChannelMember, WorkspaceMember, WorkspaceRole
from db.sidebar_queries import channels_for_user
from state.access import readable_channel
from state.actions import channels, search, workspaces
from state.actions.messages import send_message
from state.actions.slash_commands import CommandContext, run_command
from state.errors import Forbidden, InvalidInput, NotFound
from tests.factories import add_member, count_rows, general_of, make_channel, make_user, make_workspace

pytestmark = pytest.mark.usefixtures('db')


def test_a_guest_invite_names_open_channels_of_the_workspace() -> None:
    owner = make_user('Olga')
    workspace = make_workspace(owner)
    other = make_workspace(make_user('Eve'), 'Elsewhere')
    owner_id, ws = int(owner.id or 0), int(workspace.id or 0)
    with pytest.raises(InvalidInput, match='at least one channel'):
        workspaces.create_invite(owner_id, ws, timedelta(days=1), 1, guest_channel_ids=[])
    foreign = int(general_of(other).id or 0)
    with pytest.raises(InvalidInput, match='open channels of this workspace'):
        workspaces.create_invite(owner_id, ws, timedelta(days=1), 1, guest_channel_ids=[foreign])


def test_an_accepted_guest_invite_joins_only_its_channels_and_hides_the_rest() -> None:
    owner, bob, cy = make_user('Olga'), make_user('Bob'), make_user('Cy')
    workspace = make_workspace(owner)
    for person in (bob, cy):
        add_member(workspace, person)
    ws = int(workspace.id or 0)
    project = make_channel(workspace, 'project', [owner, bob], kind=ChannelKind.PRIVATE)
    lounge = make_channel(workspace, 'lounge', [cy])
    token = workspaces.create_invite(int(owner.id or 0), ws, timedelta(days=1), 1, guest_channel_ids=[project.id or 0])
    guest = make_user('Gus')
    gid = int(guest.id or 0)
    workspaces.accept_invite(gid, token)

    member = count_rows(WorkspaceMember, workspace_id=ws, user_id=gid, role=WorkspaceRole.GUEST)
    assert member == 1
    assert [entry.name for entry in channels_for_user(gid, ws)] == ['project']  # not #general
    assert count_rows(ChannelMember, user_id=gid) == 1
    assert readable_channel(gid, ws, int(lounge.id or 0)) is None  # a public channel is not for browsing
    with pytest.raises(NotFound):
        channels.join_channel(gid, int(lounge.id or 0))
    with pytest.raises(Forbidden, match='create channels'):
        channels.create_channel(gid, ws, 'my-own')
    with pytest.raises(NotFound):
        channels.open_direct(gid, ws, [int(cy.id or 0)])  # Cy shares no channel with the guest
    channels.open_direct(gid, ws, [int(bob.id or 0)])
    with pytest.raises(Forbidden, match='Guests cannot add people'):
        channels.invite_to_channel(gid, int(project.id or 0), int(cy.id or 0))

    assert {p.name for p in workspace_directory(ws, gid)} == {'Olga', 'Bob', 'Gus'}
    assert {p.name for p in workspace_directory(ws, int(cy.id or 0))} == {'Olga', 'Bob', 'Cy', 'Gus'}
    assert visible_people_ids(ws, gid) == {int(owner.id or 0), int(bob.id or 0), gid}


def test_being_added_to_a_channel_widens_what_a_guest_sees_and_search_stays_inside() -> None:
    owner, cy = make_user('Olga'), make_user('Cy')
    workspace = make_workspace(owner)
    add_member(workspace, cy)
    guest = make_user('Gus')
    add_member(workspace, guest, WorkspaceRole.GUEST)
    ws, gid = int(workspace.id or 0), int(guest.id or 0)
    lounge = make_channel(workspace, 'lounge', [cy])
    make_channel(workspace, 'project', [owner, guest])
    send_message(int(cy.id or 0), int(lounge.id or 0), 'the lounge is open', 'l-1')
    assert search.search(gid, ws, 'lounge').hits == []
    channels.invite_to_channel(int(cy.id or 0), int(lounge.id or 0), gid)
    assert readable_channel(gid, ws, int(lounge.id or 0)) is not None
    assert int(cy.id or 0) in visible_people_ids(ws, gid)
    assert [hit.channel_id for hit in search.search(gid, ws, 'lounge').hits] == [lounge.id]


def test_a_guest_cannot_find_people_outside_their_channels_by_name() -> None:
    owner, cy = make_user('Olga'), make_user('Cyril')
    workspace = make_workspace(owner)
    add_member(workspace, cy)
    guest = make_user('Gus')
    add_member(workspace, guest, WorkspaceRole.GUEST)
    ws, gid = int(workspace.id or 0), int(guest.id or 0)
    project = make_channel(workspace, 'project', [owner, guest])
    with pytest.raises(InvalidInput, match='Nobody called "Cyril"'):  # as if there were no Cyril at all
        search.search(gid, ws, 'from:Cyril hello')
    search.search(int(owner.id or 0), ws, 'from:Cyril hello')  # a member finds Cyril
    context = CommandContext(actor_id=gid, workspace_id=ws, channel_id=int(project.id or 0), client_msg_id=None)
    with pytest.raises(NotFound, match='Nobody called @Cyril'):
        run_command(context, '/msg @Cyril hi')
