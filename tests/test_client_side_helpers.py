"""Pure helpers behind the chat components: typing text, pending previews, JSON-only client calls."""

from __future__ import annotations

from components.shell_context import preview_html
from components.typing_line import typing_text


def test_typing_text_names_one_or_two_and_summarises_more() -> None:
    assert typing_text([]) == ''
    assert typing_text(['Ada']) == 'Ada is typing…'
    assert typing_text(['Ada', 'Bob']) == 'Ada and Bob are typing…'
    assert typing_text(['Ada', 'Bob', 'Cy']) == 'Several people are typing…'


def test_pending_preview_escapes_everything() -> None:
    html = preview_html('<img src=x onerror=alert(1)>\n"quoted" & more')
    assert '<img' not in html
    assert '&lt;img src=x onerror=alert(1)&gt;<br>&quot;quoted&quot; &amp; more' in html
