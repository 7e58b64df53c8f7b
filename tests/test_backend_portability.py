"""Inputs where SQLite and PostgreSQL differ by nature behave the same on both (the suite runs on each in CI).

PostgreSQL rejects NUL in text and, with 32-bit columns, ids beyond 2**31; its collations sort case differently
from SQLite's byte order. None of that may reach a user as a database error or a different order.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.channel_queries import channel_view
from db.paging import latest_messages, messages_before
from db.workspace_queries import workspace_by_slug, workspace_members, workspaces_for_user
from state.actions.accounts import authenticate
from state.actions.channels import join_channel, open_direct, set_topic
from state.actions.messages import edit_message, send_message
from state.errors import InvalidInput, NotFound
from tests.factories import World, add_member, build_world, make_user, make_workspace, recording_bus

pytestmark = pytest.mark.usefixtures('db')

BEYOND_32_BITS = 2**40


@pytest.fixture
def world() -> Iterator[World]:
    with recording_bus():
        yield build_world()


def test_a_nul_in_a_message_is_dropped_not_a_database_error(world: World) -> None:
    sent = send_message(world.ada, world.general, 'before\x00after', 'nul-1')
    stored = latest_messages(world.general)[-1]
    assert stored.id == sent.id
    assert stored.body == 'beforeafter'  # control codes never reach stored text (state/text_safety.py)
    assert 'beforeafter' in stored.html
    assert send_message(world.ada, world.general, 'before\x00after', 'nul-1').id == sent.id  # retry finds it


def test_a_nul_in_a_topic_is_dropped(world: World) -> None:
    set_topic(world.ada, world.general, 'plans\x00and more')
    stored = channel_view(world.general)
    assert stored is not None and stored.topic == 'plansand more'


def test_lookups_with_a_nul_find_nothing(world: World) -> None:
    assert workspace_by_slug(world.slug + '\x00') is None
    with pytest.raises(InvalidInput):
        authenticate('ada\x00@example.com', 'whatever it is', '10.1.2.3')


def test_ids_beyond_32_bits_are_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        send_message(world.ada, BEYOND_32_BITS, 'hello', None)
    with pytest.raises(NotFound):
        edit_message(world.ada, BEYOND_32_BITS, 'hello')
    with pytest.raises(NotFound):
        join_channel(world.ada, BEYOND_32_BITS)
    with pytest.raises(NotFound):
        open_direct(world.ada, world.workspace, [BEYOND_32_BITS])


def test_a_keyset_page_before_a_huge_id_is_the_newest_page(world: World) -> None:
    ids = [send_message(world.ada, world.general, f'message {n}', None).id for n in range(3)]
    assert [m.id for m in messages_before(world.general, BEYOND_32_BITS, limit=2)] == ids[-2:]


def test_people_and_workspaces_are_listed_ignoring_case() -> None:
    zed = make_user('Zed')
    workspace = make_workspace(zed, 'zebra')
    make_workspace(zed, 'Aardvark')
    for name in ('bob', 'Carl', 'ada'):
        add_member(workspace, make_user(name))
    assert [user.display_name for user, _ in workspace_members(workspace.id or 0)] == ['ada', 'bob', 'Carl', 'Zed']
    assert [w.name for w in workspaces_for_user(zed.id or 0)] == ['Aardvark', 'zebra']
