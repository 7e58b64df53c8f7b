"""Every action that announces a change announces it only once its transaction has committed.

Each case first runs the action with a failing commit (nothing may be published and the action must raise),
then runs it again for real (it must publish), so a case cannot pass by publishing nothing at all.
A structural check keeps new actions on the same road: state/actions never opens a session for writing nor
publishes on the bus itself; both go through `state.unit_of_work`.
"""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from db.errors import DatabaseUnavailable
from db.models import WorkspaceRole, utcnow
from state.actions import accounts, apps, channels, messages, profile, reactions, reads, scheduled, tokens, workspaces
from state.actions.scheduled_delivery import deliver
from state.actions.workspace_settings import SettingsChange, update_workspace_settings
from tests.factories import RecordingBackend, World, make_user

ACTIONS_DIR = Path(__file__).resolve().parent.parent / 'state' / 'actions'


def _posted(world: World) -> int:
    return messages.send_message(world.ada, world.general, 'hello', None).id


def _invite(world: World) -> Callable[[], object]:
    token = workspaces.create_invite(world.ada, world.workspace, timedelta(hours=1), 5)
    newcomer = make_user('Nia')
    assert newcomer.id is not None
    user_id = newcomer.id
    return lambda: workspaces.accept_invite(user_id, token)


def _login_token() -> Callable[[], object]:
    person = make_user('Lou')
    assert person.id is not None
    token, _ = accounts.start_session(person.id)
    return lambda: accounts.end_session(token)


def _scheduled(world: World) -> int:
    return scheduled.schedule_message(world.bob, world.general, 'later', utcnow() + timedelta(minutes=5)).id


# Each entry builds what the action needs (outside the failing window) and returns the action to run.
CASES: dict[str, Callable[[World], Callable[[], object]]] = {
    'send_message': lambda w: lambda: messages.send_message(w.ada, w.general, 'hi', None),
    'thread_reply': lambda w: (lambda root: lambda: messages.send_message(w.bob, w.general, 're', None, root))(
        _posted(w)
    ),
    'edit_message': lambda w: (lambda mid: lambda: messages.edit_message(w.ada, mid, 'edited'))(_posted(w)),
    'delete_message': lambda w: (lambda mid: lambda: messages.delete_message(w.ada, mid))(_posted(w)),
    'toggle_reaction': lambda w: (lambda mid: lambda: reactions.toggle_reaction(w.bob, mid, 'tada'))(_posted(w)),
    'mark_read': lambda w: (lambda mid: lambda: reads.mark_read(w.bob, w.general, mid))(_posted(w)),
    'create_channel': lambda w: lambda: channels.create_channel(w.ada, w.workspace, 'fresh'),
    'join_channel': lambda w: lambda: channels.join_channel(w.bob, w.side),
    'leave_channel': lambda w: lambda: channels.leave_channel(w.ada, w.side),
    'invite_to_channel': lambda w: lambda: channels.invite_to_channel(w.ada, w.side, w.carl),
    'set_topic': lambda w: lambda: channels.set_topic(w.ada, w.side, 'new topic'),
    'archive_channel': lambda w: lambda: channels.archive_channel(w.ada, w.side),
    'set_notifications': lambda w: lambda: channels.set_notifications(w.ada, w.side, 'mentions', True),
    'open_direct': lambda w: lambda: channels.open_direct(w.ada, w.workspace, [w.bob]),
    'accept_invite': _invite,
    'add_member': lambda w: lambda: workspaces.add_member(w.workspace, w.eve, WorkspaceRole.MEMBER),
    'add_guest': lambda w: (
        lambda: workspaces.add_member(w.workspace, w.eve, WorkspaceRole.GUEST, guest_channels=['side'])
    ),
    'update_workspace_settings': lambda w: (
        lambda: update_workspace_settings(w.ada, w.workspace, SettingsChange(name='Renamed', icon_emoji=':rocket:'))
    ),
    'create_bot_token': lambda w: lambda: tokens.create_api_token(w.ada, w.workspace, bot_name='Robo'),
    'set_status': lambda w: lambda: profile.set_status(w.ada, 'lunch', 'pizza'),
    'set_read_receipts': lambda w: lambda: profile.set_read_receipts(w.ada, False),
    'end_session': lambda w: _login_token(),
    'set_app_disabled': lambda w: (lambda app: lambda: apps.set_app_disabled(w.ada, app, True))(
        apps.create_app(w.ada, w.workspace, 'Robo app').id
    ),
    'schedule_message': lambda w: lambda: scheduled.schedule_message(w.bob, w.general, 'x', utcnow() + timedelta(1)),
    'edit_scheduled': lambda w: (lambda sid: lambda: scheduled.edit_scheduled_message(w.bob, sid, 'y'))(_scheduled(w)),
    'cancel_scheduled': lambda w: (lambda sid: lambda: scheduled.cancel_scheduled_message(w.bob, sid))(_scheduled(w)),
    'deliver_scheduled': lambda w: (lambda sid: lambda: deliver(sid, utcnow() + timedelta(minutes=6)))(_scheduled(w)),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_nothing_is_announced_unless_the_commit_succeeds(
    name: str, world: World, published: RecordingBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = CASES[name](world)
    published.clear()

    def failing_commit(self: Session) -> None:
        raise OperationalError('COMMIT', {}, sqlite3.OperationalError('database is locked'))

    with monkeypatch.context() as patched:
        patched.setattr(Session, 'commit', failing_commit)
        with pytest.raises(DatabaseUnavailable):
            action()
    assert published.items == [], f'{name} announced a change that was never committed'

    action()
    assert published.items, f'{name} committed but announced nothing'


def _writes_or_publishes_directly(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Name) and node.id == 'session_scope':
            found.append(f'{path.name}:{node.lineno} uses session_scope')
            continue
        is_bus_call = (
            isinstance(node, ast.Attribute)
            and node.attr.startswith('publish')
            and isinstance(node.value, ast.Name)
            and node.value.id == 'bus'
        )
        if is_bus_call and isinstance(node, ast.Attribute):
            found.append(f'{path.name}:{node.lineno} publishes on the bus directly')
    return found


def test_actions_write_and_publish_only_through_the_unit_of_work() -> None:
    offenders = [line for path in sorted(ACTIONS_DIR.glob('*.py')) for line in _writes_or_publishes_directly(path)]
    assert offenders == []
