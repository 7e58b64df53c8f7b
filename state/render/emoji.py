"""Emoji shortcodes: lookup (with aliases) and a small search for the emoji picker."""

from __future__ import annotations

from dataclasses import dataclass

from state.render.emoji_table import ALIASES, EMOJI


@dataclass(frozen=True)
class EmojiEntry:
    shortcode: str  # canonical name, without colons
    char: str


def canonical_shortcode(name: str) -> str | None:
    """The canonical shortcode for a name or alias (colons and case ignored), or None when unknown."""
    key = name.strip().strip(':').lower()
    if key in EMOJI:
        return key
    return ALIASES.get(key)


def emoji_for(shortcode: str) -> str | None:
    canonical = canonical_shortcode(shortcode)
    return EMOJI[canonical] if canonical is not None else None


def search_emoji(query: str, limit: int = 50) -> list[EmojiEntry]:
    """Canonical entries whose name or alias matches `query`: name prefixes first, then substrings.

    An empty query lists the table in its (curated) order, so the picker has something to show.
    """
    needle = query.strip().strip(':').lower()
    if limit <= 0:
        return []
    if not needle:
        return [EmojiEntry(name, char) for name, char in list(EMOJI.items())[:limit]]
    prefix: list[str] = []
    inner: list[str] = []
    for name in (*EMOJI, *ALIASES):
        if name.startswith(needle) or f'_{needle}' in name:
            prefix.append(name)
        elif needle in name:
            inner.append(name)
    found: list[EmojiEntry] = []
    seen: set[str] = set()
    for name in (*prefix, *inner):
        canonical = canonical_shortcode(name)
        if canonical is None or canonical in seen:
            continue
        seen.add(canonical)
        found.append(EmojiEntry(canonical, EMOJI[canonical]))
        if len(found) >= limit:
            break
    return found
