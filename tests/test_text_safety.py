"""Control codes and bidi overrides never reach stored text; tabs, newlines and emoji joiners do."""

from __future__ import annotations

import pytest

from state.actions.channels import set_topic
from state.actions.messages import edit_message, send_message
from state.actions.profile import set_status
from state.text_safety import strip_unsafe_characters
from tests.factories import World

TROJAN = 'access = "user\u202e \u2066// admin\u2069 \u2066"'


@pytest.mark.parametrize(
    ('raw', 'clean'),
    [
        ('a\x00b\x07c\x1b[31md\x7fe\x85f', 'abc[31mdef'),
        ('keep\ttabs\nand lines', 'keep\ttabs\nand lines'),
        ('windows\r\nline\rends', 'windows\nline\nends'),
        (TROJAN, 'access = "user // admin "'),
        ('family 👨\u200d👩\u200d👧 and \u200fmark', 'family 👨\u200d👩\u200d👧 and \u200fmark'),
    ],
)
def test_strip_unsafe_characters(raw: str, clean: str) -> None:
    assert strip_unsafe_characters(raw) == clean


def test_message_bodies_are_stored_without_controls_on_send_and_edit(world: World) -> None:
    sent = send_message(world.ada, world.general, 'line one\x00\nline\u202e two', 'c1')
    assert sent.body == 'line one\nline two'
    edited = edit_message(world.ada, sent.id, '\x1bedited\u2066 text')
    assert edited.body == 'edited text'


def test_topics_and_status_text_are_stored_without_controls(world: World) -> None:
    assert set_topic(world.ada, world.general, 'plans\u202e for\x00 Q3').topic == 'plans for Q3'
    assert set_status(world.ada, 'out\x07 \u2067today', '').status_text == 'out today'
