"""Browser-side method calls: one socket message per tab and turn of the event loop, arguments as JSON data."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User

from components import message_list
from components.client_calls import call_method
from tests.factories import sample_message_view


async def test_calls_in_one_turn_share_one_message(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    elements: list[ui.element] = []

    @ui.page('/_test/calls')
    def page() -> None:
        elements.extend([ui.element('div'), ui.element('div')])

    await user.open('/_test/calls')
    first, second = elements
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(first.client.outbox, 'enqueue_message', lambda kind, data, target: sent.append((kind, data)))
    call_method(first, 'append', {'body': '</script><b>"hi"</b>'})
    call_method(second, 'counts', 7, 1, 0)
    assert sent == []  # waiting for the end of this turn
    await asyncio.sleep(0)
    assert len(sent) == 1
    kind, data = sent[0]
    assert kind == 'run_javascript'
    first_call, second_call = data['code'].split(';')
    assert f'runMethod({first.id},"append",[{{"body":"</script><b>\\"hi\\"</b>"}}])' in first_call
    assert f'runMethod({second.id},"counts",[7,1,0])' in second_call
    call_method(second, 'counts', 7, 0, 0)  # the next turn: a message of its own
    await asyncio.sleep(0)
    assert len(sent) == 2 and data['code'] != sent[1][1]['code']


def test_a_message_is_serialized_once_for_all_tabs() -> None:
    view = sample_message_view()
    first = message_list._cache.payload('append', view)
    assert message_list._cache.payload('append', view) is first  # the next tab gets the same string
    assert json.loads(first) == [[{'op': 'append', 'message': view.model_dump(mode='json')}]]
    edited = view.model_copy(update={'body': 'hi!'})
    assert json.loads(message_list._cache.payload('update', edited))[0][0]['message']['body'] == 'hi!'
