"""Scheduled messages: scheduling rules, the author's list, edit and cancel, and delivery exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import Message, ScheduledMessage, ScheduledState, utcnow
from state.actions import channels, messages
from state.actions.scheduled import (
    cancel_scheduled_message,
    edit_scheduled_message,
    schedule_message,
    scheduled_messages,
    send_scheduled_now,
)
from state.actions.scheduled_delivery import STALE_CLAIM, claim, client_msg_id_for, deliver, deliver_due
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import ScheduledChanged
from tests.factories import RecordingBackend, World, count_rows, update_row


def _soon(minutes: int = 5) -> timedelta:
    return timedelta(minutes=minutes)


def _posted(channel_id: int) -> list[Message]:
    with read_session() as session:
        return list(session.exec(select(Message).where(Message.channel_id == channel_id)).all())


def test_schedule_lists_it_for_the_author_only(world: World) -> None:
    at = utcnow() + _soon()
    view = schedule_message(world.bob, world.general, '  later, **friends**  ', at)
    assert view.body == 'later, **friends**' and view.state == 'pending' and view.post_at == at
    assert [s.id for s in scheduled_messages(world.bob, world.workspace)] == [view.id]
    assert [s.id for s in scheduled_messages(world.bob, world.workspace, world.general)] == [view.id]
    assert scheduled_messages(world.bob, world.workspace, world.private) == []
    assert scheduled_messages(world.ada, world.workspace) == []  # nobody else sees it
    with pytest.raises(NotFound):
        scheduled_messages(world.eve, world.workspace)
    assert _posted(world.general) == []  # nothing is posted before its time


def test_the_list_is_in_order_of_time(world: World) -> None:
    late = schedule_message(world.bob, world.general, 'late', utcnow() + _soon(50))
    early = schedule_message(world.bob, world.general, 'early', utcnow() + _soon(5))
    assert [s.id for s in scheduled_messages(world.bob, world.workspace)] == [early.id, late.id]


@pytest.mark.parametrize(
    ('ahead', 'code'),
    [(timedelta(seconds=-1), 'time_in_past'), (timedelta(0), 'time_in_past'), (timedelta(days=121), 'time_too_far')],
)
def test_the_time_must_be_ahead_and_at_most_120_days(world: World, ahead: timedelta, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        schedule_message(world.bob, world.general, 'hi', utcnow() + ahead)
    assert refused.value.code == code
    assert count_rows(ScheduledMessage) == 0


def test_119_days_ahead_is_fine(world: World) -> None:
    assert schedule_message(world.bob, world.general, 'hi', utcnow() + timedelta(days=119)).state == 'pending'


def test_the_send_rules_apply_when_scheduling(world: World) -> None:
    at = utcnow() + _soon()
    with pytest.raises(InvalidInput) as empty:
        schedule_message(world.bob, world.general, '   ', at)
    assert empty.value.code == 'no_text'
    with pytest.raises(InvalidInput) as long:
        schedule_message(world.bob, world.general, 'x' * 4001, at)
    assert long.value.code == 'msg_too_long'
    with pytest.raises(Forbidden) as not_joined:
        schedule_message(world.bob, world.side, 'hi', at)  # public, but Bob has not joined it
    assert not_joined.value.code == 'not_in_channel'
    with pytest.raises(NotFound):
        schedule_message(world.carl, world.private, 'hi', at)
    channels.archive_channel(world.ada, world.side)
    with pytest.raises(Forbidden) as archived:
        schedule_message(world.ada, world.side, 'hi', at)
    assert archived.value.code == 'is_archived'
    with pytest.raises(NotFound) as no_thread:
        schedule_message(world.bob, world.general, 'hi', at, thread_root_id=999)
    assert no_thread.value.code == 'thread_not_found'
    assert count_rows(ScheduledMessage) == 0


def test_edit_text_and_time(world: World) -> None:
    view = schedule_message(world.bob, world.general, 'draft', utcnow() + _soon())
    later = utcnow() + _soon(90)
    edited = edit_scheduled_message(world.bob, view.id, body='final', post_at=later)
    assert (edited.body, edited.post_at) == ('final', later)
    with pytest.raises(InvalidInput) as past:
        edit_scheduled_message(world.bob, view.id, post_at=utcnow() - _soon())
    assert past.value.code == 'time_in_past'
    with pytest.raises(NotFound) as other:
        edit_scheduled_message(world.ada, view.id, body='mine now')
    assert other.value.code == 'invalid_scheduled_message_id'


def test_cancel(world: World) -> None:
    view = schedule_message(world.bob, world.general, 'never mind', utcnow() + _soon())
    with pytest.raises(NotFound):
        cancel_scheduled_message(world.ada, view.id)
    cancel_scheduled_message(world.bob, view.id)
    assert count_rows(ScheduledMessage) == 0
    with pytest.raises(NotFound) as gone:
        cancel_scheduled_message(world.bob, view.id)
    assert gone.value.code == 'invalid_scheduled_message_id'


def test_every_change_tells_the_authors_tabs(world: World, published: RecordingBackend) -> None:
    view = schedule_message(world.bob, world.general, 'x', utcnow() + _soon())
    edit_scheduled_message(world.bob, view.id, body='y')
    cancel_scheduled_message(world.bob, view.id)
    changes = published.of_type(ScheduledChanged)
    assert [topic for topic, _ in changes] == [f'user:{world.bob}'] * 3
    assert changes[0][1].channel_id == world.general


def test_a_due_message_is_posted_as_its_author_once(world: World, published: RecordingBackend) -> None:
    view = schedule_message(world.bob, world.general, 'on time', utcnow() + _soon())
    assert deliver_due() == 0  # not yet
    handled = deliver_due(utcnow() + _soon(6))
    assert handled == 1
    [posted] = _posted(world.general)
    assert (posted.author_id, posted.body, posted.client_msg_id) == (world.bob, 'on time', client_msg_id_for(view.id))
    assert deliver_due(utcnow() + _soon(7)) == 0  # sent once
    with read_session() as session:
        row = session.get(ScheduledMessage, view.id)
        assert row is not None and row.state == ScheduledState.SENT and row.message_id == posted.id
    assert scheduled_messages(world.bob, world.workspace) == []
    assert ('channel:' + str(world.general), 'message.created') in published.types()


def test_a_thread_reply_goes_to_its_thread(world: World) -> None:
    root = messages.send_message(world.ada, world.general, 'root', 'r-1')
    schedule_message(world.bob, world.general, 'reply', utcnow() + _soon(), thread_root_id=root.id)
    deliver_due(utcnow() + _soon(6))
    reply = [m for m in _posted(world.general) if m.body == 'reply']
    assert len(reply) == 1 and reply[0].thread_root_id == root.id


def test_two_schedulers_racing_post_it_once(world: World) -> None:
    view = schedule_message(world.bob, world.general, 'once', utcnow() + _soon())
    moment = utcnow() + _soon(6)
    start = threading.Barrier(4)
    results: list[object] = []

    def worker() -> None:
        start.wait()
        results.append(claim(view.id, moment))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in results) == 1


def test_two_delivery_runs_racing_post_it_once(world: World) -> None:
    for index in range(5):
        schedule_message(world.bob, world.general, f'm{index}', utcnow() + _soon())
    moment = utcnow() + _soon(6)
    start = threading.Barrier(2)
    handled: list[int] = []

    def worker() -> None:
        start.wait()
        handled.append(deliver_due(moment))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(handled) == 5
    assert sorted(m.body for m in _posted(world.general)) == [f'm{index}' for index in range(5)]


def test_a_claim_lost_with_its_node_is_taken_over_without_a_second_copy(world: World) -> None:
    view = schedule_message(world.bob, world.general, 'survives', utcnow() + _soon())
    moment = utcnow() + _soon(6)
    assert claim(view.id, moment) is not None  # a node claimed it ...
    messages.send_message(world.bob, world.general, 'survives', client_msg_id_for(view.id))  # ... posted, then died
    assert deliver(view.id, moment + timedelta(seconds=30)) is None  # a fresh claim is not taken over
    finished = deliver(view.id, moment + STALE_CLAIM + timedelta(seconds=1))
    assert finished is not None and finished.state == 'sent'
    assert [m.body for m in _posted(world.general)] == ['survives']


def test_the_author_who_left_gets_a_failure_with_the_reason(world: World) -> None:
    view = schedule_message(world.bob, world.private, 'secret plans', utcnow() + _soon())
    channels.leave_channel(world.bob, world.private)
    deliver_due(utcnow() + _soon(6))
    assert _posted(world.private) == []
    [failed] = scheduled_messages(world.bob, world.workspace)
    assert failed.id == view.id and failed.state == 'failed' and 'not a member' in failed.failure
    cancel_scheduled_message(world.bob, view.id)  # dismissed
    assert scheduled_messages(world.bob, world.workspace) == []


def test_an_archived_channel_fails_the_delivery(world: World) -> None:
    channels.join_channel(world.bob, world.side)
    schedule_message(world.bob, world.side, 'too late', utcnow() + _soon())
    channels.archive_channel(world.ada, world.side)
    deliver_due(utcnow() + _soon(6))
    [failed] = scheduled_messages(world.bob, world.workspace)
    assert failed.state == 'failed' and 'archived' in failed.failure


def test_a_failed_one_can_be_given_a_new_time(world: World) -> None:
    view = schedule_message(world.bob, world.general, 'again', utcnow() + _soon())
    update_row(ScheduledMessage, view.id, state=ScheduledState.FAILED, failure='x', post_at=utcnow() - _soon())
    with pytest.raises(InvalidInput):
        edit_scheduled_message(world.bob, view.id, body='again!')  # its time has passed: a new one is needed
    again = edit_scheduled_message(world.bob, view.id, post_at=utcnow() + _soon())
    assert again.state == 'pending' and again.failure == ''


def test_send_now(world: World) -> None:
    view = schedule_message(world.bob, world.general, 'right away', utcnow() + timedelta(days=3))
    sent = send_scheduled_now(world.bob, view.id)
    assert sent.state == 'sent'
    assert [m.body for m in _posted(world.general)] == ['right away']
    with pytest.raises(NotFound):
        send_scheduled_now(world.bob, view.id)  # sent ones are gone from the list
