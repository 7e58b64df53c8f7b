"""Who may read which channel: members; workspace members for public channels; nobody else."""

from __future__ import annotations

import pytest

from db.directory_queries import public_channels, workspace_people
from db.models import ChannelKind
from state.access import readable_channel
from state.actions.messages import send_message
from state.actions.reactions import toggle_reaction
from state.errors import NotFound
from tests.factories import add_member, general_of, make_channel, make_user, make_workspace

pytestmark = pytest.mark.usefixtures('db')


def test_members_read_and_workspace_members_preview_public_channels() -> None:
    ada, bob = make_user('Ada'), make_user('Bob')
    workspace = make_workspace(ada)
    add_member(workspace, bob)
    design = make_channel(workspace, 'design', [ada])
    assert workspace.id is not None and design.id is not None

    as_member = readable_channel(ada.id or 0, workspace.id, design.id)
    as_previewer = readable_channel(bob.id or 0, workspace.id, design.id)
    assert as_member is not None and as_member.is_member
    assert as_previewer is not None and not as_previewer.is_member


@pytest.mark.parametrize('kind', [ChannelKind.PRIVATE, ChannelKind.DIRECT, ChannelKind.GROUP])
def test_private_conversations_are_invisible_to_non_members(kind: ChannelKind) -> None:
    ada, bob, cy = make_user('Ada'), make_user('Bob'), make_user('Cy')
    workspace = make_workspace(ada)
    add_member(workspace, bob)
    add_member(workspace, cy)
    secret = make_channel(workspace, 'secret' if kind == ChannelKind.PRIVATE else None, [ada, bob], kind=kind)
    assert workspace.id is not None and secret.id is not None
    assert readable_channel(bob.id or 0, workspace.id, secret.id) is not None
    assert readable_channel(cy.id or 0, workspace.id, secret.id) is None


def test_forged_ids_and_other_workspaces_are_not_found() -> None:
    ada, eve = make_user('Ada'), make_user('Eve')
    ours = make_workspace(ada)
    theirs = make_workspace(eve, 'Other')
    general = general_of(ours)
    assert ours.id is not None and theirs.id is not None and general.id is not None
    assert readable_channel(eve.id or 0, theirs.id, general.id) is None  # right id, wrong workspace
    assert readable_channel(eve.id or 0, ours.id, general.id) is None  # not a member of the workspace
    assert readable_channel(ada.id or 0, ours.id, 999_999) is None


def test_channel_browser_lists_public_channels_with_counts_and_membership() -> None:
    ada, bob = make_user('Ada'), make_user('Bob')
    workspace = make_workspace(ada)
    add_member(workspace, bob)
    make_channel(workspace, 'design', [ada])
    make_channel(workspace, 'secret', [ada], kind=ChannelKind.PRIVATE)
    assert workspace.id is not None

    listed = {c.name: c for c in public_channels(workspace.id, bob.id or 0)}
    assert set(listed) == {'general', 'design'}
    assert listed['general'].member_count == 2 and listed['general'].is_member
    assert listed['design'].member_count == 1 and not listed['design'].is_member
    assert workspace_people(workspace.id) == {ada.id: 'Ada', bob.id: 'Bob'}


def test_ids_beyond_any_column_are_simply_not_found() -> None:
    ada = make_user('Ada')
    workspace = make_workspace(ada)
    assert workspace.id is not None
    assert readable_channel(ada.id or 0, workspace.id, 2**70) is None
    assert readable_channel(ada.id or 0, workspace.id, -1) is None


def test_actions_answer_forged_huge_ids_with_not_found() -> None:
    ada = make_user('Ada')
    make_workspace(ada)
    with pytest.raises(NotFound):
        send_message(ada.id or 0, 2**70, 'hello', 'c-1')
    with pytest.raises(NotFound):
        toggle_reaction(ada.id or 0, 2**70, 'tada')
