"""Read side: keyset pages, permalinks, threads, sidebar counts, and a constant number of queries per page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from db.engine import get_engine, read_session
from db.paging import latest_messages, messages_after, messages_around, messages_before, thread_messages
from db.sidebar_queries import COUNT_CAP, channels_for_user, sidebar_channel
from db.view_builders import message_views
from state import rate_limit
from state.actions.channels import open_direct
from state.actions.messages import delete_message, send_message
from state.actions.reactions import add_reaction
from state.actions.reads import mark_read
from tests.factories import World, build_world, recording_bus

pytestmark = pytest.mark.usefixtures('db')


@pytest.fixture
def world() -> Iterator[World]:
    with recording_bus():
        yield build_world()


@contextmanager
def recorded_parameters() -> Iterator[list[tuple[object, ...]]]:
    parameters: list[tuple[object, ...]] = []

    def record(*args: object) -> None:
        params = args[3]
        parameters.append(tuple(params) if isinstance(params, tuple | list) else (params,))

    engine = get_engine()
    event.listen(engine, 'before_cursor_execute', record)
    try:
        yield parameters
    finally:
        event.remove(engine, 'before_cursor_execute', record)


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    engine = get_engine()
    event.listen(engine, 'before_cursor_execute', record)
    try:
        yield statements
    finally:
        event.remove(engine, 'before_cursor_execute', record)


def _post(world: World, count: int, author: int | None = None, channel: int | None = None) -> list[int]:
    who, where = author or world.ada, channel or world.general
    with rate_limit.exempt():  # bulk history for the test, not a flood
        return [send_message(who, where, f'message {i}', None).id for i in range(count)]


def test_pages_are_keyset_ranges_in_ascending_order(world: World) -> None:
    ids = _post(world, 12)
    assert [m.id for m in latest_messages(world.general, limit=5)] == ids[-5:]
    assert [m.id for m in messages_before(world.general, ids[-5], limit=5)] == ids[-10:-5]
    assert [m.id for m in messages_before(world.general, ids[2], limit=5)] == ids[:2]
    assert [m.id for m in messages_after(world.general, ids[3], limit=4)] == ids[4:8]
    assert messages_after(world.general, ids[-1]) == []


def test_scrolling_is_keyset_never_offset(world: World) -> None:
    ids = _post(world, 3)
    with counted_queries() as statements, recorded_parameters() as parameters:
        messages_before(world.general, ids[-1], limit=2)
        messages_after(world.general, ids[0], limit=2)
    pages = [statement for statement in statements if 'ORDER BY messages.id' in statement]
    assert len(pages) == 2
    placeholder = r'(\?|%\(\w+\)s)'  # SQLite binds with ?, psycopg with %(name)s
    assert re.search(rf'messages\.id < {placeholder}', pages[0])
    assert re.search(rf'messages\.id > {placeholder}', pages[1])
    for statement, params in zip(statements, parameters, strict=True):
        if 'OFFSET' in statement:  # SQLite always pairs LIMIT with an OFFSET, bound to 0 here
            assert params[-1] == 0, statement


def test_views_cost_a_constant_number_of_queries(world: World) -> None:
    ids = _post(world, 30, author=world.bob)
    for message_id in ids[::3]:
        add_reaction(world.ada, message_id, 'tada')
        send_message(world.carl, world.general, 'reply', None, thread_root_id=message_id)

    def cost(limit: int) -> int:
        with counted_queries() as statements:
            latest_messages(world.general, limit=limit)
        return len(statements)

    assert cost(3) == cost(30)
    assert cost(30) <= 6


def test_message_views_carry_names_reactions_and_thread_summaries(world: World) -> None:
    root = send_message(world.ada, world.general, 'root', None)
    send_message(world.bob, world.general, 'one', None, thread_root_id=root.id)
    send_message(world.carl, world.general, 'two', None, thread_root_id=root.id)
    send_message(world.bob, world.general, 'three', None, thread_root_id=root.id)
    add_reaction(world.bob, root.id, 'eyes')
    view = latest_messages(world.general)[-1]
    assert view.author_name == 'Ada' and view.reply_count == 3
    assert view.reply_user_ids == (world.bob, world.carl)  # most recent replier first
    assert [(r.emoji, r.count) for r in view.reactions] == [('eyes', 1)]
    with read_session() as session:
        assert message_views(session, []) == []


def test_around_centres_on_the_message_or_its_root(world: World) -> None:
    ids = _post(world, 9)
    around = messages_around(world.general, ids[4], before=2, after=2)
    assert [m.id for m in around] == ids[2:7]
    reply = send_message(world.bob, world.general, 'in thread', None, thread_root_id=ids[8])
    assert [m.id for m in messages_around(world.general, reply.id, before=1, after=1)] == ids[7:9]
    assert messages_around(world.side, ids[4]) == []


def test_thread_messages(world: World) -> None:
    root = send_message(world.ada, world.general, 'root', None)
    replies = [send_message(world.bob, world.general, f'r{i}', None, thread_root_id=root.id).id for i in range(3)]
    found = thread_messages(root.id)
    assert found is not None
    assert found[0].id == root.id and [m.id for m in found[1]] == replies
    assert thread_messages(replies[0]) is None  # a reply is not a thread root
    assert thread_messages(999_999) is None
    delete_message(world.bob, replies[1])
    found = thread_messages(root.id)
    assert found is not None and [m.id for m in found[1]] == [replies[0], replies[2]]


def test_deleted_messages_vanish_unless_they_hold_a_thread(world: World) -> None:
    plain, root = _post(world, 2)
    send_message(world.bob, world.general, 'reply', None, thread_root_id=root)
    delete_message(world.ada, plain)
    delete_message(world.ada, root)
    listed = latest_messages(world.general)
    assert [(m.id, m.deleted) for m in listed] == [(root, True)]
    assert listed[0].html == '<p><em>This message was deleted.</em></p>'


def test_sidebar_counts_unread_and_mentions(world: World) -> None:
    _post(world, 3)  # by ada
    send_message(world.ada, world.general, 'hey @Bob', None)
    send_message(world.ada, world.general, 'all of you @channel', None)
    root = send_message(world.carl, world.general, 'root', None)
    send_message(world.ada, world.general, 'thread ping @Bob', None, thread_root_id=root.id)
    entries = {e.name: e for e in channels_for_user(world.bob, world.workspace)}
    assert set(entries) == {'general', 'secret'}
    general = entries['general']
    assert (general.unread_count, general.mention_count) == (6, 3)
    mark_read(world.bob, world.general, root.id)
    general_after = sidebar_channel(world.bob, world.general)
    assert general_after is not None and (general_after.unread_count, general_after.mention_count) == (0, 1)
    own = sidebar_channel(world.ada, world.general)
    assert own is not None and own.unread_count == 1 and own.mention_count == 0  # only carl's root is unread


def test_counts_saturate(world: World) -> None:
    _post(world, COUNT_CAP + 5)
    entry = sidebar_channel(world.bob, world.general)
    assert entry is not None and entry.unread_count == COUNT_CAP


def test_sidebar_lists_dms_with_the_other_peoples_names(world: World) -> None:
    direct = open_direct(world.bob, world.workspace, [world.ada])
    group = open_direct(world.bob, world.workspace, [world.carl, world.ada])
    entries = channels_for_user(world.bob, world.workspace)
    assert [e.label for e in entries] == ['general', 'secret', 'Ada', 'Ada, Carl']
    assert [e.id for e in entries[2:]] == [direct.id, group.id]
    assert entries[2].member_ids == tuple(sorted([world.ada, world.bob]))
    assert channels_for_user(world.eve, world.workspace) == []


def test_sidebar_costs_two_queries_however_many_channels(world: World) -> None:
    for other in (world.carl, world.ada):
        open_direct(world.bob, world.workspace, [other])
    with counted_queries() as statements:
        channels_for_user(world.bob, world.workspace)
    assert len(statements) == 2
