"""Read positions (forward only, mark unread, receipts) and profile settings (status, presence, receipts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.channel_queries import last_read_id, read_receipts
from db.engine import read_session
from db.models import User
from state.actions.messages import send_message
from state.actions.profile import expire_statuses, set_manual_presence, set_read_receipts, set_status
from state.actions.reads import mark_read, mark_unread
from state.bus import channel_topic, presence_topic, user_topic, workspace_topic
from state.errors import InvalidInput, NotFound
from state.events import PresenceChanged, ReadPositionMoved, UserChanged
from state.stores import presence
from tests.factories import RecordingBackend, World, update_row

pytestmark = pytest.mark.usefixtures('db')


def _three(world: World) -> list[int]:
    return [send_message(world.ada, world.general, f'm{i}', f'c-{i}').id for i in range(3)]


def test_mark_read_moves_forward_only(world: World, published: RecordingBackend) -> None:
    first, second, third = _three(world)
    published.clear()
    assert mark_read(world.bob, world.general, second) == second
    assert published.types() == [(user_topic(world.bob), 'read.moved'), (channel_topic(world.general), 'read.moved')]
    moved = published.of_type(ReadPositionMoved)[0][1]
    assert (moved.user_id, moved.last_read_message_id) == (world.bob, second)
    published.clear()
    assert mark_read(world.bob, world.general, first) == second  # never backwards
    assert mark_read(world.bob, world.general, second) == second  # no change
    assert published.items == []
    assert last_read_id(world.general, world.bob) == second
    mark_read(world.bob, world.general, third)
    assert last_read_id(world.general, world.bob) == third


def test_receipts_stay_private_when_switched_off(world: World, published: RecordingBackend) -> None:
    (first, *_rest) = _three(world)
    update_row(User, world.bob, send_read_receipts=False)
    published.clear()
    mark_read(world.bob, world.general, first)
    assert published.types() == [(user_topic(world.bob), 'read.moved')]
    assert world.bob not in read_receipts(world.general)
    assert world.ada in read_receipts(world.general)


def test_mark_unread_moves_back_to_just_before(world: World, published: RecordingBackend) -> None:
    _first, second, third = _three(world)
    mark_read(world.bob, world.general, third)
    published.clear()
    assert mark_unread(world.bob, world.general, second) == second - 1
    assert published.types() == [(user_topic(world.bob), 'read.moved'), (channel_topic(world.general), 'read.moved')]
    assert last_read_id(world.general, world.bob) == second - 1


def test_read_refusals(world: World, published: RecordingBackend) -> None:
    secret = send_message(world.ada, world.private, 'secret', 'c-x')
    general = send_message(world.ada, world.general, 'hello', 'c-y')
    published.clear()
    with pytest.raises(NotFound):
        mark_read(world.carl, world.private, secret.id)
    with pytest.raises(NotFound):
        mark_read(world.bob, world.general, secret.id)  # a message of another channel
    with pytest.raises(NotFound):
        mark_unread(world.bob, world.general, 555_555)
    with pytest.raises(NotFound):
        mark_read(world.eve, world.general, general.id)
    assert published.items == [] and last_read_id(world.general, world.bob) == 0


def test_set_status_goes_to_every_workspace_of_the_user(world: World, published: RecordingBackend) -> None:
    view = set_status(world.bob, '  In a  meeting ', ':calendar:', datetime.now(UTC) + timedelta(hours=1))
    assert (view.status_text, view.status_emoji) == ('In a meeting', 'calendar')
    assert published.types() == [(workspace_topic(world.workspace), 'user.changed')]
    event = published.of_type(UserChanged)[0][1]
    assert event.user == view


@pytest.mark.parametrize(
    ('text', 'emoji', 'expires', 'message'),
    [
        ('x' * 101, '', None, 'at most 100'),
        ('ok', 'no_such_emoji', None, 'Unknown emoji'),
        ('ok', '', datetime.now(UTC) - timedelta(minutes=1), 'future'),
    ],
)
def test_bad_statuses(
    world: World, published: RecordingBackend, text: str, emoji: str, expires: datetime | None, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        set_status(world.bob, text, emoji, expires)
    assert published.items == []


def test_expired_statuses_are_cleared(world: World, published: RecordingBackend) -> None:
    set_status(world.bob, 'Lunch', 'pizza', datetime.now(UTC) + timedelta(hours=1))
    update_row(User, world.bob, status_expires_at=datetime.now(UTC) - timedelta(seconds=1))
    published.clear()
    assert expire_statuses() == 1
    event = published.of_type(UserChanged)[0][1]
    assert (event.user.status_text, event.user.status_emoji) == ('', '')
    assert expire_statuses() == 0


def test_manual_presence_is_stored_and_applied(world: World, published: RecordingBackend) -> None:
    presence.store.client_connected(world.bob, 'tab-1')
    published.clear()
    assert set_manual_presence(world.bob, 'busy') == 'busy'
    with read_session() as session:
        user = session.get(User, world.bob)
        assert user is not None and user.manual_status == 'busy'
    assert published.types() == [(presence_topic(world.workspace), 'presence.changed')]
    change = published.of_type(PresenceChanged)[0][1]
    assert change.statuses == {world.bob: 'busy'}
    assert set_manual_presence(world.bob, None) == 'online'
    with pytest.raises(InvalidInput):
        set_manual_presence(world.bob, 'invisible')


def test_read_receipts_setting(world: World, published: RecordingBackend) -> None:
    set_read_receipts(world.bob, False)
    assert published.types() == [(user_topic(world.bob), 'user.changed')]
    published.clear()
    set_read_receipts(world.bob, False)
    assert published.items == []
    with read_session() as session:
        user = session.get(User, world.bob)
        assert user is not None and not user.send_read_receipts
