"""The unit of work publishes after its commit, once and in order, and nothing when anything fails."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from db.engine import session_scope
from db.models import User
from state.bus import user_topic
from state.events import Event, SessionEnded
from state.unit_of_work import unit_of_work, unit_of_work_of
from tests.factories import RecordingBackend, World, count_rows


def _ended(user_id: int, session_id: int = 1) -> SessionEnded:
    return SessionEnded(user_id=user_id, session_id=session_id)


def _rename(session: Session, user_id: int, name: str) -> None:
    """A helper handed only the session, as guards and join_in_session are."""
    user = session.get(User, user_id)
    assert user is not None
    user.display_name = name
    session.add(user)
    unit_of_work_of(session).publish(user_topic(user_id), _ended(user_id, 2))


def test_events_go_out_after_the_commit_in_order_and_in_one_batch(
    world: World, published: RecordingBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[list[tuple[str, Event]]] = []
    real_publish = published.publish

    def recording_batches(items: list[tuple[str, Event]]) -> None:
        batches.append(list(items))
        real_publish(items)

    monkeypatch.setattr(published, 'publish', recording_batches)
    order: list[str] = []
    with unit_of_work() as uow:
        uow.publish(user_topic(world.ada), _ended(world.ada))
        uow.after_commit(lambda: order.append(f'callback after {len(published.items)} events'))
        uow.publish_many([(user_topic(world.bob), _ended(world.bob)), (user_topic(world.carl), _ended(world.carl))])
        assert published.items == []  # nothing before the commit
    assert published.types() == [(user_topic(uid), 'session.ended') for uid in (world.ada, world.bob, world.carl)]
    assert len(batches) == 1
    assert order == ['callback after 3 events']


def test_a_nested_helper_publishes_into_the_same_unit(world: World, published: RecordingBackend) -> None:
    with unit_of_work() as uow:
        uow.publish(user_topic(world.ada), _ended(world.ada))
        _rename(uow.session, world.bob, 'Robert')
    assert [(topic, event.session_id) for topic, event in published.of_type(SessionEnded)] == [
        (user_topic(world.ada), 1),
        (user_topic(world.bob), 2),
    ]
    assert count_rows(User, display_name='Robert') == 1


def test_nothing_is_published_or_called_after_an_exception_inside(world: World, published: RecordingBackend) -> None:
    called: list[bool] = []
    with pytest.raises(ValueError, match='refused'), unit_of_work() as uow:
        _rename(uow.session, world.bob, 'Robert')
        uow.after_commit(lambda: called.append(True))
        raise ValueError('refused')
    assert published.items == [] and called == []
    assert count_rows(User, display_name='Robert') == 0  # rolled back


def test_nothing_is_published_or_called_when_the_commit_fails(
    world: World, published: RecordingBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_commit(self: Session) -> None:
        raise RuntimeError('disk on fire')

    called: list[bool] = []
    monkeypatch.setattr(Session, 'commit', broken_commit)
    with pytest.raises(RuntimeError, match='disk on fire'), unit_of_work() as uow:
        uow.publish(user_topic(world.ada), _ended(world.ada))
        uow.after_commit(lambda: called.append(True))
    monkeypatch.undo()
    assert published.items == [] and called == []


def test_a_failing_callback_does_not_stop_the_others(world: World, published: RecordingBackend) -> None:
    called: list[str] = []

    def explode() -> None:
        raise ValueError('callback bug')

    with unit_of_work() as uow:
        uow.after_commit(explode)
        uow.after_commit(lambda: called.append('second'))
    assert called == ['second']


def test_publishing_after_the_block_is_refused(world: World, published: RecordingBackend) -> None:
    with unit_of_work() as uow:
        pass
    with pytest.raises(RuntimeError, match='ended'):
        uow.publish(user_topic(world.ada), _ended(world.ada))
    assert published.items == []


def test_a_plain_session_has_no_unit_of_work(world: World) -> None:
    with session_scope() as session, pytest.raises(LookupError):
        unit_of_work_of(session)
