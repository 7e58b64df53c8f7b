"""One roster per workspace, shared by every tab, kept true by the workspace's events."""

from __future__ import annotations

from state.bus import bus, workspace_topic
from state.events import MemberJoined, MemberLeft, UserChanged, UserView
from state.stores import roster as roster_store
from tests.factories import make_user, make_workspace


def test_tabs_of_a_workspace_share_one_roster(db: None) -> None:
    owner = make_user('Ada')
    workspace = make_workspace(owner)
    first = roster_store.roster(workspace.id)
    assert first is roster_store.roster(workspace.id)
    assert first.names[owner.id] == owner.display_name
    assert first.pairs == ((owner.id, owner.display_name),)


def test_events_replace_the_roster_and_keep_the_old_one_intact(db: None) -> None:
    owner = make_user('Ada')
    workspace = make_workspace(owner)
    before = roster_store.roster(workspace.id)
    renamed = before.with_person(owner.id, 'Ada L.')
    bus.deliver_local(workspace_topic(workspace.id), UserChanged(user=_view(owner.id, 'Ada L.')))
    after = roster_store.roster(workspace.id)
    assert after is not before and before.names[owner.id] == owner.display_name
    assert after.names == renamed.names
    bus.deliver_local(
        workspace_topic(workspace.id), MemberJoined(workspace_id=workspace.id, channel_id=None, user=_view(99, 'Zed'))
    )
    bus.deliver_local(
        workspace_topic(workspace.id), MemberJoined(workspace_id=workspace.id, channel_id=5, user=_view(98, 'Chan'))
    )
    assert [name for _, name in roster_store.roster(workspace.id).by_name] == ['Ada L.', 'Zed']
    bus.deliver_local(workspace_topic(workspace.id), MemberLeft(workspace_id=workspace.id, channel_id=None, user_id=99))
    assert 99 not in roster_store.roster(workspace.id).names


def test_a_repeated_change_returns_the_same_roster(db: None) -> None:
    owner = make_user('Ada')
    workspace = make_workspace(owner)
    once = roster_store.person_changed(workspace.id, owner.id, 'Ada L.')
    assert roster_store.person_changed(workspace.id, owner.id, 'Ada L.') is once


def _view(user_id: int, name: str) -> UserView:
    return UserView(id=user_id, display_name=name)
