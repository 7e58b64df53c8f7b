"""Our stored message text as Slack's `text` (the outbound half; api/slack/mrkdwn.py has the inbound one).

A message stores its source (`@Ada Lovelace`, `#random`, `@here`) and the HTML rendered from it once, where
each reference the renderer recognised is marked (`<span class="mention" data-user-id="7">`,
`<a class="channel-ref" href="/w/acme/c/3">`, `<span class="mention mention-all">`). Those marks, in order,
say which `@…`/`#…` of the source were references, so only those become `<@U…>`, `<#C…|name>` and `<!here>`;
an `@` that matched no one, or one in code, stays text. `&`, `<` and `>` are escaped as Slack does, and our
`**bold**`/`~~strike~~` are Slack's `*bold*`/`~strike~`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from api.slack.ids import user_sid

_MARK = re.compile(
    r'<span class="mention" data-user-id="(?P<user>\d+)">@(?P<person>[^<]*)</span>'
    r'|<span class="mention mention-all">@(?P<all>here|channel|everyone)</span>'
    r'|<a class="channel-ref" href="[^"]*/c/(?P<channel>\d+)"[^>]*>#(?P<name>[^<]*)</a>'
)
_BOLD = re.compile(r'\*\*(?=\S)([^*\n]{1,2000}?)(?<=\S)\*\*')
_STRIKE = re.compile(r'~~(?=\S)([^~\n]{1,2000}?)(?<=\S)~~')


@dataclass(frozen=True)
class _Reference:
    needle: str  # as the renderer shows it; the source may write it in another case
    slack: str


def referenced_channel_ids(rendered: str) -> set[int]:
    """The channels a message's HTML links to (their kinds decide the `C`/`G` of `<#…>`)."""
    return {int(m.group('channel')) for m in _MARK.finditer(rendered) if m.group('channel')}


def slack_text(body: str, rendered: str, channel_sid_of: Callable[[int], str | None]) -> str:
    """`body` in Slack's markup; `channel_sid_of(id)` gives a referenced channel's `C…` id (None: leave it)."""
    references = [_reference(m, channel_sid_of) for m in _MARK.finditer(rendered)]
    source = _emphasis(body)
    code = _code_positions(source)
    out: list[str] = []
    cursor = 0
    for reference in references:
        if reference is None:
            continue
        found = _find(source, reference.needle, cursor, code)
        if found is None:
            continue
        out.append(_escape(source[cursor : found.start()]))
        out.append(reference.slack)
        cursor = found.end()
    out.append(_escape(source[cursor:]))
    return ''.join(out)


def _reference(match: re.Match[str], channel_sid_of: Callable[[int], str | None]) -> _Reference | None:
    if match.group('user'):
        return _Reference('@' + html.unescape(match.group('person')), f'<@{user_sid(int(match.group("user")))}>')
    if match.group('all'):
        return _Reference('@' + match.group('all'), f'<!{match.group("all")}>')
    name = html.unescape(match.group('name'))
    sid = channel_sid_of(int(match.group('channel')))
    return _Reference('#' + name, f'<#{sid}|{name}>') if sid is not None else None


def _find(source: str, needle: str, start: int, code: set[int]) -> re.Match[str] | None:
    """The next place of `needle` (any case, as the renderer matched it) from `start` that is not in code."""
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    found = pattern.search(source, start)
    while found is not None and found.start() in code:
        found = pattern.search(source, found.start() + 1)
    return found


def _code_positions(text: str) -> set[int]:
    """Positions inside backtick code (the odd pieces between backticks, as the inbound half counts them)."""
    inside: set[int] = set()
    offset = 0
    for index, piece in enumerate(text.split('`')):
        if index % 2:
            inside.update(range(offset, offset + len(piece)))
        offset += len(piece) + 1
    return inside


def _emphasis(text: str) -> str:
    pieces = text.split('`')
    for index in range(0, len(pieces), 2):
        pieces[index] = _STRIKE.sub(r'~\1~', _BOLD.sub(r'*\1*', pieces[index]))
    return '`'.join(pieces)


def _escape(text: str) -> str:
    return text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
