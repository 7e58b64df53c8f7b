"""The search box's language, parsed into plain data; no database here.

    deploy friday          every word must occur (the last one also as a prefix: "fri" finds "friday")
    "release notes"        the words next to each other, in this order
    in:#general            only in that channel (in:general works too); several in: widen the choice
    from:@Ada Lovelace     only by that person (also from:ada, from:"Ada Lovelace", from:me)

Words are cut out of the text exactly as the index cuts them (letters and digits; everything else separates),
so nothing a user types can become index syntax: the queries quote each token themselves. Who a `from:`
means is decided by the caller's `PersonMatcher`, which knows the workspace's people.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

TOKEN_RE = re.compile(r'[^\W_]+')  # letters and digits, as FTS5's unicode61 tokenizer sees words
CHANNEL_RE = re.compile(r'#?([a-z0-9_-]{1,80})')
MIN_PREFIX = 2  # a one-letter prefix would match a large part of the index for little use
MAX_UNITS = 16  # words and phrases per search: bounds the cost of one query


@dataclass(frozen=True)
class Unit:
    """One word, or a phrase (several words in a row); `prefix`: the last word may be the start of a word."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass
class ParsedQuery:
    units: list[Unit] = field(default_factory=list)
    channel_names: list[str] = field(default_factory=list)
    author_ids: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    @property
    def has_filter(self) -> bool:
        return bool(self.channel_names or self.author_ids)

    def tokens(self) -> list[str]:
        return [token for unit in self.units for token in unit.tokens]

    def prefixes(self) -> list[str]:
        return [unit.tokens[-1] for unit in self.units if unit.prefix]


# Given the text and where a person's name starts: (their user ids, where the name ends), or None.
PersonMatcher = Callable[[str, int], tuple[tuple[int, ...], int] | None]


def fold(word: str) -> str:
    """Case and accents folded away, as the SQLite index compares words ("Café" -> "cafe")."""
    decomposed = unicodedata.normalize('NFKD', word)
    return ''.join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    return [match.group(0).lower() for match in TOKEN_RE.finditer(text)]


def parse(text: str, match_person: PersonMatcher) -> ParsedQuery:
    query = ParsedQuery()
    position, end = 0, len(text)
    last_bare: int | None = None  # the unit of a bare word typed last (it may be unfinished: a prefix)
    while position < end:
        if text[position].isspace():
            position += 1
            continue
        lowered = text[position : position + 5].lower()
        if lowered.startswith('in:'):
            position, last_bare = _channel(text, position + 3, query), None  # a word before it was finished
            continue
        if lowered == 'from:':
            position, last_bare = _person(text, position + 5, query, match_person), None
            continue
        if text[position] == '"':
            closing = text.find('"', position + 1)
            stop = end if closing < 0 else closing
            _add(query, words(text[position + 1 : stop]))
            position = stop + 1
            continue
        stop = _chunk_end(text, position)
        if _add(query, words(text[position:stop])):
            last_bare = len(query.units) - 1
        position = stop
    if last_bare is not None and last_bare == len(query.units) - 1:
        unit = query.units[last_bare]
        if len(unit.tokens[-1]) >= MIN_PREFIX:
            query.units[last_bare] = Unit(unit.tokens, prefix=True)
    if len(query.units) > MAX_UNITS:
        query.errors.append(f'A search can have at most {MAX_UNITS} words or phrases.')
    return query


def _chunk_end(text: str, start: int) -> int:
    """A bare chunk runs to the next space or quote ("e-mail" stays one chunk: a phrase of two words)."""
    position = start
    while position < len(text) and not text[position].isspace() and text[position] != '"':
        position += 1
    return position


def _add(query: ParsedQuery, tokens: list[str]) -> bool:
    if not tokens:
        return False  # punctuation only: nothing to look for
    query.units.append(Unit(tuple(tokens)))
    return True


def _channel(text: str, start: int, query: ParsedQuery) -> int:
    stop = _chunk_end(text, start)
    value = text[start:stop].lower()
    match = CHANNEL_RE.fullmatch(value)
    if match is None:
        query.errors.append('Write in: with a channel name, like in:#general.')
    else:
        query.channel_names.append(match.group(1))
    return stop


def _person(text: str, start: int, query: ParsedQuery, match_person: PersonMatcher) -> int:
    if start < len(text) and text[start] == '@':
        start += 1
    found = match_person(text, start) if start < len(text) and not text[start].isspace() else None
    if found is None:
        stop = _chunk_end(text, start) if start < len(text) and text[start] != '"' else quoted_end(text, start)
        shown = text[start:stop].strip('"') or '…'
        query.errors.append(f'Nobody called "{shown}" is in this workspace.')
        return stop
    user_ids, stop = found
    query.author_ids.update(user_ids)
    return stop


def quoted_end(text: str, start: int) -> int:
    closing = text.find('"', start + 1)
    return len(text) if closing < 0 else closing + 1
