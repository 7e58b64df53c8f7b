"""Pure helpers behind the chat components: typing text, JSON-only client calls (pending previews are made in
the browser now: e2e/test_outbox.py checks they are escaped)."""

from __future__ import annotations

from components.typing_line import typing_text


def test_typing_text_names_one_or_two_and_summarises_more() -> None:
    assert typing_text([]) == ''
    assert typing_text(['Ada']) == 'Ada is typing…'
    assert typing_text(['Ada', 'Bob']) == 'Ada and Bob are typing…'
    assert typing_text(['Ada', 'Bob', 'Cy']) == 'Several people are typing…'
