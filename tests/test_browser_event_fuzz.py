"""Every browser event a page listens to, fed hostile arguments, is ignored or refused: never an exception.

A tab's events arrive as JSON from the browser, so anyone can send any value for any listener: lists where a
dict is expected, missing keys, ids past 64 bits, booleans for ids, deep nesting, huge strings. The page of a
logged-in person is built, then every listener of every element receives each value of a corpus the way
NiceGUI delivers it (`Client.handle_event`, the path socket messages take). Nothing may raise, and nothing may
be written: none of the values names this tab's outbox, so no send may go through.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from nicegui import app
from nicegui.testing import User

from db.models import Message, Reaction
from seams.nicegui_internals import event_listener_types
from state.actions.messages import send_message
from tests.factories import count_rows
from tests.page_helpers import handlers_done
from tests.test_workspace_shell import open_as, setup_workspace

HOSTILE: list[Any] = [
    None,
    0,
    -1,
    2**70,
    1.5,
    True,
    '',
    'x' * 100_000,
    [],
    [1, 2, 3],
    {},
    {'id': 'drop table'},
    {'id': 2**80},
    {'id': -5},
    {'id': True},
    {'id': [1]},
    {'last_id': 2**63},
    {'body': None, 'client_msg_id': [], 'outbox_key': {}},
    {'body': 'hi', 'client_msg_id': 'c-fuzz', 'outbox_key': 'someone:else:1'},
    {'typing': 'yes'},
    {'emoji': {'a': 1}, 'id': 1},
    {'value': {'nested': [[[[[]]]]]}},
    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
]


def _generated(seed: int, count: int) -> list[Any]:
    """More JSON values, random but the same on every run."""
    rng = random.Random(seed)
    keys = ['id', 'last_id', 'body', 'client_msg_id', 'outbox_key', 'emoji', 'typing', 'value', 'channel_id']
    leaves: list[Any] = [None, True, 0, -(2**40), 2**65, 3.25, '', 'é\u202e', '\x00', '<script>']

    def value(depth: int) -> Any:
        pick = rng.random()
        if depth > 3 or pick < 0.5:
            return rng.choice(leaves)
        if pick < 0.75:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(keys): value(depth + 1) for _ in range(rng.randint(0, 4))}

    return [value(0) for _ in range(count)]


async def test_hostile_event_arguments_never_raise_and_write_nothing(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada_id, _bob_id, general_id, slug = setup_workspace()
    message = send_message(ada_id, general_id, 'fuzz me', 'c-1')
    await open_as(user, 'bob@example.com', f'/w/{slug}/c/{general_id}')
    raised: set[str] = set()
    current: list[str] = ['']
    monkeypatch.setattr(app, 'handle_exception', lambda error: raised.add(f'{current[0]}: {error!r}'[:200]))
    before = (count_rows(Message), count_rows(Reaction))
    assert user.client is not None
    client = user.client
    corpus = HOSTILE + _generated(seed=7, count=60)
    listened = [
        (element.id, listener_id, f'{type(element).__name__} {event_type}')
        for element in list(client.elements.values())
        for listener_id, event_type in event_listener_types(element).items()
        if event_type not in ('click', 'beforeShow')  # clicks take no arguments; they navigate and open menus
    ]
    assert len(listened) >= 15  # the list, the composer, the sidebar, the uploader, ...
    for element_id, listener_id, name in listened:
        current[0] = name
        for args in corpus:
            client.handle_event({'id': element_id, 'listener_id': listener_id, 'args': [json.dumps(args)]})
        await handlers_done()
    assert '\n'.join(sorted(raised)) == ''  # 'element event: exception', one per line
    assert (count_rows(Message), count_rows(Reaction)) == before
    assert message.id > 0


def _json(value: Any) -> str:
    import json

    return json.dumps(value)
