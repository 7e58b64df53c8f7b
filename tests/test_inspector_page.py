"""/admin/live through simulated users: a server admin watches another person's tab appear live; anyone else
gets a plain not found; an admin whose role is taken away stops seeing the live state at the next push."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User

from components.inspector_view import bus_text
from state.actions.server_admins import set_server_admin
from state.bus import bus
from state.bus_redis import RedisBackend
from state.inspector import BusState, feed, take_snapshot
from state.stores import presence, typing
from tests.page_helpers import RETRIES, eventually, open_logged_in
from tests.test_workspace_shell import setup_workspace


def table_rows(user: User, marker: str) -> list[dict[str, object]]:
    with user:
        tables = list(ElementFilter(kind=ui.table, marker=marker))
    assert len(tables) == 1
    return list(tables[0].rows)


def tab_users(user: User) -> list[object]:
    return [row['user'] for row in table_rows(user, 'inspector-tabs')]


async def test_the_inspector_shows_a_second_users_tab_appear_and_go(
    user: User, create_user: Callable[[], User]
) -> None:
    _, _, _, slug = setup_workspace()
    set_server_admin('ada@example.com')
    await open_logged_in(user, 'ada@example.com', '/admin/live')
    await user.should_see(marker='inspector-tabs', retries=RETRIES)
    assert 'Bob' not in tab_users(user)

    bob = create_user()
    await open_logged_in(bob, 'bob@example.com', f'/w/{slug}')
    await bob.should_see('#general', retries=RETRIES)
    await feed.push()  # what the app timer does every second
    await eventually(lambda: 'Bob' in tab_users(user))
    row = next(row for row in table_rows(user, 'inspector-tabs') if row['user'] == 'Bob')
    assert row['workspace'] == slug and row['page'] == f'/w/{slug}'
    topics = {row['topic']: row['subscribers'] for row in table_rows(user, 'inspector-topics')}
    assert any(str(topic).startswith('channel:') for topic in topics)  # Bob's open #general
    with user:
        (bus_line,) = ElementFilter(kind=ui.label, marker='inspector-bus')
    assert 'in-process, connected' in bus_line.text

    assert bob.client is not None
    bob.client.delete()  # NiceGUI deletes a closed tab's client after the reconnect timeout
    await feed.push()
    await eventually(lambda: 'Bob' not in tab_users(user))


async def test_anyone_but_a_server_admin_gets_not_found(user: User) -> None:
    _, _, _, slug = setup_workspace()  # Ada owns a workspace: that makes her no server admin
    await open_logged_in(user, 'ada@example.com', f'/w/{slug}')
    response = await user.http_client.get('/admin/live')
    assert response.status_code == 404
    assert 'inspector' not in response.text.lower()


async def test_a_revoked_admin_stops_seeing_live_state_at_the_next_push(user: User) -> None:
    setup_workspace()
    set_server_admin('ada@example.com')
    await open_logged_in(user, 'ada@example.com', '/admin/live')
    await user.should_see(marker='inspector-tabs', retries=RETRIES)

    set_server_admin('ada@example.com', admin=False)
    await feed.push()
    await user.should_see(marker='inspector-revoked', retries=RETRIES)
    await user.should_not_see(marker='inspector-tabs')
    assert feed.watching == 0


def test_the_snapshot_reads_typing_presence_and_a_redis_bus(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # `db`: a connecting tab reads the person's manual status from the database
    typing.store.typing_started(7, 'Ada', channel_id=3)
    presence.store.client_connected(7, 'tab-1')
    backend = RedisBackend('redis://127.0.0.1:1', node_id='n1')  # never started: not subscribed
    backend._enqueue(1, '{}')
    monkeypatch.setattr(bus, 'backend', backend)
    snapshot = take_snapshot()
    assert [(channel, root, name) for channel, root, name, _ in snapshot.typing] == [(3, None, 'Ada')]
    assert [(uid, status, tabs) for uid, _, status, tabs in snapshot.presence] == [(7, 'online', 1)]
    assert snapshot.bus == BusState('redis', connected=False, queued=1, reconnects=0, dropped=0)
    assert 'redis, DISCONNECTED · queued 1' in bus_text(snapshot)
