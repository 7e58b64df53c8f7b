"""One roster per workspace, shared by every tab, kept true by the workspace's events."""

from __future__ import annotations

from db.directory_queries import workspace_people
from state.actions.members import deactivate_member, reactivate_member
from state.bus import bus, workspace_topic
from state.events import MemberJoined, MemberLeft, UserChanged, UserView
from state.stores import roster as roster_store
from tests.factories import RecordingBackend, World


def test_tabs_of_a_workspace_share_one_roster(world: World) -> None:
    first = roster_store.roster(world.workspace)
    assert first is roster_store.roster(world.workspace)
    assert [name for _, name in first.by_name] == ['Ada', 'Bob', 'Carl']
    assert first.names[world.bob] == 'Bob'
    assert world.eve not in first.names  # another workspace


def test_events_replace_the_roster_and_keep_the_old_one_intact(world: World) -> None:
    topic = workspace_topic(world.workspace)
    before = roster_store.roster(world.workspace)
    bus.deliver_local(topic, UserChanged(user=UserView(id=world.bob, display_name='Robert')))
    after = roster_store.roster(world.workspace)
    assert after is not before and before.names[world.bob] == 'Bob'
    assert [name for _, name in after.by_name] == ['Ada', 'Carl', 'Robert']
    zed, chan = UserView(id=99, display_name='Zed'), UserView(id=98, display_name='Chan')
    bus.deliver_local(topic, MemberJoined(workspace_id=world.workspace, channel_id=None, user=zed))
    bus.deliver_local(topic, MemberJoined(workspace_id=world.workspace, channel_id=world.general, user=chan))
    assert [name for _, name in roster_store.roster(world.workspace).by_name] == ['Ada', 'Carl', 'Robert', 'Zed']
    bus.deliver_local(topic, MemberLeft(workspace_id=world.workspace, channel_id=None, user_id=99))
    assert 99 not in roster_store.roster(world.workspace).names


def test_a_repeated_change_returns_the_same_roster(world: World) -> None:
    once = roster_store.person_changed(world.workspace, world.ada, 'Ada L.')
    assert roster_store.person_changed(world.workspace, world.ada, 'Ada L.') is once


def test_a_deactivated_member_leaves_the_roster_and_comes_back(published: RecordingBackend, world: World) -> None:
    assert world.bob in roster_store.roster(world.workspace).names
    deactivate_member(world.ada, world.workspace, world.bob)
    assert world.bob not in roster_store.roster(world.workspace).names
    assert world.bob not in workspace_people(world.workspace)  # and a fresh load agrees
    reactivate_member(world.ada, world.workspace, world.bob)
    assert roster_store.roster(world.workspace).names[world.bob] == 'Bob'
