"""Render a message once, at write time: a markdown subset, safe links, mentions, #channel refs and emoji.

Raw HTML is never interpreted (markdown-it escapes it), links are http/https/mailto only, and the result goes
through nh3 with an allow-list of exactly the tags and attributes this module emits (defence in depth).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from state.render.emoji import emoji_for
from state.render.refs import CHANNEL_NAME_RE, Resolver, channel_url, match_user

SAFE_SCHEMES = ('http:', 'https:', 'mailto:')
# One pass over each plain-text run: @mention, #channel or :shortcode:. Linear, no nested quantifiers.
_REF_RE = re.compile(r'(?<![\w@])@(?=[\w.\'-])|(?<![\w&#/])#(?=[A-Za-z0-9_-])|:([a-z0-9_+-]{1,40}):')
_CHANNEL_AT_RE = re.compile(r'[A-Za-z0-9_-]{1,80}(?![\w-])')
# @channel / @here / @everyone notify every member of the conversation.
_BROADCAST_AT_RE = re.compile(r'(channel|here|everyone)(?![\w-])', re.IGNORECASE)
_INTERNAL_URL_RE = re.compile(r'/w/[^/?#\s]+/c/\d+')


@dataclass(frozen=True)
class Rendered:
    html: str
    mentioned_user_ids: tuple[int, ...] = ()
    mentions_all: bool = False
    channel_ids: tuple[int, ...] = ()


@dataclass
class _Found:
    """What the reference pass found, collected while tokens are rewritten."""

    resolver: Resolver
    user_ids: list[int] = field(default_factory=list)
    channel_ids: list[int] = field(default_factory=list)
    mentions_all: bool = False


def _is_safe_link(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


def _text_token(content: str) -> Token:
    token = Token('text', '', 0)
    token.content = content
    return token


def _split_text(content: str, found: _Found) -> list[Token]:
    """Turn one plain-text run into text, mention and channel-ref tokens (emoji become plain text)."""
    out: list[Token] = []
    text: list[str] = []
    pos = 0
    for match in _REF_RE.finditer(content):
        if match.start() < pos:
            continue  # inside a name we already consumed
        replacement, end = _reference_at(content, match, found)
        if replacement is None:
            continue
        text.append(content[pos : match.start()])
        if isinstance(replacement, str):
            text.append(replacement)
        else:
            out.append(_text_token(''.join(text)))
            out.append(replacement)
            text = []
        pos = end
    text.append(content[pos:])
    out.append(_text_token(''.join(text)))
    return [token for token in out if token.type != 'text' or token.content]


def _reference_at(content: str, match: re.Match[str], found: _Found) -> tuple[Token | str | None, int]:
    """What replaces the reference at `match` (a token, or emoji text) and where it ends; None: not one."""
    start = match.start()
    marker = content[start]
    if marker == ':':
        return emoji_for(match.group(1)), match.end()
    if marker == '#':
        name_match = _CHANNEL_AT_RE.match(content, start + 1)
        if name_match is None:
            return None, start
        name = name_match.group(0).lower()
        channel = found.resolver.channel_named(name) if CHANNEL_NAME_RE.fullmatch(name) else None
        if channel is None:
            return None, start
        token = Token('channel_ref', 'a', 0)
        token.meta = {'url': channel_url(found.resolver.workspace_slug, channel.id), 'name': channel.name}
        if channel.id not in found.channel_ids:
            found.channel_ids.append(channel.id)
        return token, name_match.end()
    broadcast = _BROADCAST_AT_RE.match(content, start + 1)
    if broadcast is not None:
        token = Token('mention_all', 'span', 0)
        token.meta = {'keyword': broadcast.group(1).lower()}
        found.mentions_all = True
        return token, broadcast.end()
    user = match_user(content, start + 1, found.resolver)
    if user is None:
        return None, start
    token = Token('mention', 'span', 0)
    token.meta = {'user_id': user.id, 'name': user.name}
    if user.id not in found.user_ids:
        found.user_ids.append(user.id)
    return token, start + 1 + len(user.name)


def _references_rule(state: StateCore) -> None:
    found: _Found = state.env['found']
    for block in state.tokens:
        if block.type != 'inline' or not block.children:
            continue
        rewritten: list[Token] = []
        link_depth = 0
        for token in block.children:
            if token.type == 'link_open':
                link_depth += 1
            elif token.type == 'link_close':
                link_depth -= 1
            if token.type == 'text' and link_depth == 0:
                rewritten.extend(_split_text(token.content, found))
            else:
                rewritten.append(token)
        block.children = rewritten


def _render_mention(_self: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: Any) -> str:
    meta = tokens[idx].meta
    return f'<span class="mention" data-user-id="{int(meta["user_id"])}">@{escapeHtml(meta["name"])}</span>'


def _render_mention_all(_self: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: Any) -> str:
    return f'<span class="mention mention-all">@{escapeHtml(tokens[idx].meta["keyword"])}</span>'


def _render_channel_ref(_self: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: Any) -> str:
    meta = tokens[idx].meta
    return f'<a class="channel-ref" href="{escapeHtml(meta["url"])}">#{escapeHtml(meta["name"])}</a>'


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    token.attrSet('rel', 'noopener noreferrer nofollow')
    token.attrSet('target', '_blank')
    return str(self.renderToken(tokens, idx, options, env))


def _render_fence(_self: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: Any) -> str:
    # The info string ("```python") is dropped: no user-chosen class names in the output.
    return f'<pre><code>{escapeHtml(tokens[idx].content)}</code></pre>\n'


def _build_parser() -> MarkdownIt:
    md = MarkdownIt('zero', {'html': False, 'linkify': True, 'breaks': True, 'typographer': False})
    md.enable(['blockquote', 'fence', 'list', 'emphasis', 'strikethrough', 'backticks', 'newline', 'escape'])
    md.enable(['linkify', 'autolink'])
    md.validateLink = _is_safe_link  # type: ignore[method-assign]
    md.core.ruler.push('chat_references', _references_rule)
    md.add_render_rule('mention', _render_mention)
    md.add_render_rule('mention_all', _render_mention_all)
    md.add_render_rule('channel_ref', _render_channel_ref)
    md.add_render_rule('link_open', _render_link_open)
    md.add_render_rule('fence', _render_fence)
    return md


def _internal_url(url: str) -> str | None:
    return url if _INTERNAL_URL_RE.fullmatch(url) else None


_parser = _build_parser()
_cleaner = nh3.Cleaner(
    tags={'p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'span'},
    clean_content_tags={'script', 'style'},
    attributes={'a': {'href'}, 'span': {'data-user-id'}, 'ol': {'start'}},
    tag_attribute_values={'a': {'target': {'_blank'}}},
    allowed_classes={'span': {'mention', 'mention-all'}, 'a': {'channel-ref'}},
    link_rel='noopener noreferrer nofollow',
    url_schemes={'http', 'https', 'mailto'},
    url_relative=_internal_url,
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """The allow-list pass alone: only the tags, classes, attributes and URL kinds the renderer emits survive."""
    return _cleaner.clean(html).strip()


def render_message(body: str, resolver: Resolver) -> Rendered:
    """Markdown subset + references -> safe HTML, and who/what the text refers to."""
    found = _Found(resolver)
    html = _parser.render(body, {'found': found})
    return Rendered(
        html=sanitize(html),
        mentioned_user_ids=tuple(found.user_ids),
        mentions_all=found.mentions_all,
        channel_ids=tuple(found.channel_ids),
    )
