"""A database that cannot take a write now (locked past the busy timeout, disk full) gives a clear, retryable
answer everywhere, and nothing of the refused write is kept."""

from __future__ import annotations

import sqlite3

import pytest
from nicegui.testing import User
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from db.errors import DatabaseUnavailable
from db.models import Message
from state.actions.messages import send_message
from tests.factories import World, count_rows
from tests.slack_support import ApiWorld, SlackCaller, make_api_world


def fail_commits(monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    def commit(self: Session) -> None:
        raise OperationalError('COMMIT', {}, sqlite3.OperationalError(message))

    monkeypatch.setattr(Session, 'commit', commit)


@pytest.mark.parametrize('message', ['database is locked', 'database or disk is full'])
def test_a_transient_fault_becomes_database_unavailable_and_nothing_is_kept(
    world: World, monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    with monkeypatch.context() as patched:
        fail_commits(patched, message)
        with pytest.raises(DatabaseUnavailable):
            send_message(world.ada, world.general, 'lost?', 'c-1')
    assert count_rows(Message) == 0
    assert send_message(world.ada, world.general, 'lost?', 'c-1').body == 'lost?'  # the retry goes through


def test_other_database_errors_are_not_disguised(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        fail_commits(patched, 'no such table: messages')
        with pytest.raises(OperationalError):
            send_message(world.ada, world.general, 'broken schema', 'c-2')


async def test_the_web_api_answers_503_with_retry_after(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    world: ApiWorld = make_api_world()
    slack = SlackCaller(user.http_client)
    fail_commits(monkeypatch, 'database is locked')
    response = await slack.raw('chat.postMessage', world.ada_token, channel=world.general, text='hello')
    assert response.status_code == 503
    assert response.json() == {'ok': False, 'error': 'service_unavailable'}
    assert response.headers['Retry-After'] == '1'
