"""Slack's message markup, turned into ours (what a person would have typed).

Programs send it through the Web API and webhooks (`api/slack/mrkdwn.py` decodes our own ids for them) and a
Slack export holds it (`state/slack_archive`, which knows Slack's ids from its mapping table); both resolve the
ids they know and share the rest here.

Slack escapes `&`, `<` and `>` in text and writes references in angle brackets: `<@U123>` (a person),
`<#C123|name>` (a channel), `<!here>`, `<!channel>`, `<!everyone>`, `<https://…|label>` (a link). Ours are plain:
`@Name`, `#name`, `@here`, and bare URLs (linkified when rendered); Slack's `*bold*` and `~strike~` are our
`**bold**` and `~~strike~~`. Blocks and legacy attachments become lines
of text, so a post that has only those still says what it says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_REFERENCE = re.compile(r'<([^<>\n]{1,2000})>')
# Slack's *bold* and ~strike~ are our **bold** and ~~strike~~ (its _italic_ is ours already).
_BOLD = re.compile(r'(?<![*\w])\*(?=\S)([^*\n]{1,2000}?)(?<=\S)\*(?![*\w])')
_STRIKE = re.compile(r'(?<![~\w])~(?=\S)([^~\n]{1,2000}?)(?<=\S)~(?![~\w])')
_LINK_SCHEMES = ('http://', 'https://', 'mailto:')
_BROADCASTS = ('here', 'channel', 'everyone')
MAX_BLOCKS = 50  # Slack's own limit per message


def translate(
    text: str, name_of: Callable[[str], str | None], channel_name_of: Callable[[str], str | None] | None = None
) -> str:
    """Slack markup -> ours; `name_of(sid)` gives the display name of the person a `U…` id names (None when it
    is unknown or not theirs to name), `channel_name_of(sid)` a channel's name for a `<#C…>` without `|name`."""

    def replace(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition('|')
        if target.startswith('@'):
            name = name_of(target[1:])
            return f'@{name}' if name else (label or '@unknown')
        if target.startswith('#'):
            if not label and channel_name_of is not None:
                label = channel_name_of(target[1:]) or ''
            return f'#{label}' if label else '#unknown-channel'
        if target.startswith('!'):
            special = target[1:].split('^', 1)[0]
            return f'@{special}' if special in _BROADCASTS else label
        if target.startswith(_LINK_SCHEMES):
            return f'{label} ({target})' if label and label != target else target
        return match.group(0)

    return _unescape(_REFERENCE.sub(replace, _emphasis(text)))


def _emphasis(text: str) -> str:
    """Bold and strike-through outside code: the odd pieces between backticks are code and stay as they are."""
    pieces = text.split('`')
    for index in range(0, len(pieces), 2):
        pieces[index] = _STRIKE.sub(r'~~\1~~', _BOLD.sub(r'**\1**', pieces[index]))
    return '`'.join(pieces)


def blocks_text(blocks: Any) -> str:
    """The readable text of Block Kit blocks (section, header, context, rich_text), one block per line."""
    if not isinstance(blocks, list):
        return ''
    lines = [_block_text(block) for block in blocks[:MAX_BLOCKS] if isinstance(block, dict)]
    return '\n'.join(line for line in lines if line)


def attachments_text(attachments: Any) -> str:
    """Legacy attachments: their pretext, title, text and fields, or the fallback when that is all there is."""
    if not isinstance(attachments, list):
        return ''
    lines: list[str] = []
    for item in attachments[:MAX_BLOCKS]:
        if not isinstance(item, dict):
            continue
        parts = [_text(item.get(key)) for key in ('pretext', 'title', 'text')]
        parts += [_field(field) for field in item.get('fields', []) if isinstance(field, dict)][:MAX_BLOCKS]
        found = [part for part in parts if part]
        lines.extend(found or [_text(item.get('fallback'))])
    return '\n'.join(line for line in lines if line)


def _block_text(block: dict[str, Any]) -> str:
    kind = block.get('type')
    if kind in ('section', 'header'):
        fields = [_composition(field) for field in block.get('fields', []) if isinstance(field, dict)]
        return '\n'.join(part for part in [_composition(block.get('text')), *fields[:MAX_BLOCKS]] if part)
    if kind == 'context':
        elements = block.get('elements', [])
        if not isinstance(elements, list):
            return ''
        return ' '.join(part for part in (_composition(e) for e in elements[:MAX_BLOCKS]) if part)
    if kind == 'rich_text':
        return _rich_text(block.get('elements'))
    return ''


def _rich_text(elements: Any, depth: int = 0) -> str:
    if not isinstance(elements, list) or depth > 4:
        return ''
    out: list[str] = []
    for element in elements[:MAX_BLOCKS]:
        if not isinstance(element, dict):
            continue
        kind = element.get('type')
        if kind == 'text':
            out.append(_text(element.get('text')))
        elif kind == 'link':
            out.append(_text(element.get('text')) or _text(element.get('url')))
        elif kind == 'user':
            out.append(f'<@{_text(element.get("user_id"))}>')  # resolved by to_markup with the rest
        elif kind == 'emoji':
            out.append(f':{_text(element.get("name"))}:')
        elif kind == 'broadcast':
            out.append(f'<!{_text(element.get("range"))}>')
        else:
            out.append(_rich_text(element.get('elements'), depth + 1))
    return ''.join(out)


def _composition(value: Any) -> str:
    """A text object ({"type": "mrkdwn" | "plain_text", "text": …}) or an image element (its alt text)."""
    if not isinstance(value, dict):
        return ''
    return _text(value.get('text')) or _text(value.get('alt_text'))


def _field(field: dict[str, Any]) -> str:
    title, value = _text(field.get('title')), _text(field.get('value'))
    return f'{title}: {value}' if title and value else title or value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ''


def _unescape(text: str) -> str:
    return text.replace('&lt;', '<').replace('&gt;', '>').replace('&amp;', '&')
