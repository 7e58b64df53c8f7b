"""The snippet of a search hit: a window of the message's source text with the matched words in <mark>.

Built from the plain source text, never from stored HTML: everything is escaped first, and the only markup
in the result is the <mark> this module writes around whole words.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from db.search_syntax import TOKEN_RE, fold

WINDOW = 160  # characters of text shown around the first match
LEAD = 40  # of which before the first match


def snippet_html(body: str, tokens: Iterable[str], prefixes: Iterable[str] = ()) -> str:
    """Escaped text around the first matched word; words equal to `tokens` or starting with `prefixes` marked."""
    wanted = {fold(token) for token in tokens}
    starts = tuple(fold(prefix) for prefix in prefixes)
    spans = [
        (match.start(), match.end())
        for match in TOKEN_RE.finditer(body)
        if (word := fold(match.group(0))) in wanted or (starts and word.startswith(starts))
    ]
    text_start = max(0, spans[0][0] - LEAD) if spans else 0
    if text_start and not body[text_start - 1].isspace():  # do not begin in the middle of a word
        space = body.find(' ', text_start)
        if 0 <= space < (spans[0][0] if spans else len(body)):
            text_start = space + 1
    text_end = min(len(body), text_start + WINDOW)
    if spans and spans[0][1] > text_end:
        text_end = spans[0][1]
    parts = ['…'] if text_start > 0 else []
    cursor = text_start
    for start, end in spans:
        if start < text_start or end > text_end:
            continue
        parts.append(_plain(body[cursor:start]))
        parts.append(f'<mark>{html.escape(body[start:end])}</mark>')
        cursor = end
    parts.append(_plain(body[cursor:text_end]))
    if text_end < len(body):
        parts.append('…')
    return ''.join(parts)


def _plain(text: str) -> str:
    return html.escape(' '.join(text.split('\n')))
