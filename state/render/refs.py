"""Mentions and channel references: what the renderer asks about names, and how it matches them in text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

CHANNEL_NAME_RE = re.compile(r'[a-z0-9_-]{1,80}')


@dataclass(frozen=True)
class UserRef:
    id: int
    name: str  # display name as it should appear after the @


@dataclass(frozen=True)
class ChannelRef:
    id: int
    name: str


class Resolver(Protocol):
    """Answers the renderer's questions about the workspace a message is written in."""

    @property
    def workspace_slug(self) -> str: ...

    def users_with_prefix(self, prefix: str) -> Sequence[UserRef]:
        """Members whose display name starts with `prefix` (case-insensitive)."""
        ...

    def channel_named(self, name: str) -> ChannelRef | None:
        """The channel a `#name` reference may link to, or None (unknown, or not visible to every reader)."""
        ...


@dataclass(frozen=True)
class StaticResolver:
    """A resolver over fixed lists (tests, previews, and text with no workspace behind it)."""

    workspace_slug: str = ''
    users: tuple[UserRef, ...] = ()
    channels: tuple[ChannelRef, ...] = ()

    @classmethod
    def of(cls, slug: str = '', users: Iterable[UserRef] = (), channels: Iterable[ChannelRef] = ()) -> StaticResolver:
        return cls(slug, tuple(users), tuple(channels))

    def users_with_prefix(self, prefix: str) -> Sequence[UserRef]:
        folded = prefix.casefold()
        return [user for user in self.users if user.name.casefold().startswith(folded)]

    def channel_named(self, name: str) -> ChannelRef | None:
        return next((channel for channel in self.channels if channel.name == name), None)


def channel_url(workspace_slug: str, channel_id: int) -> str:
    return f'/w/{quote(workspace_slug, safe="")}/c/{channel_id}'


def match_user(text: str, start: int, resolver: Resolver) -> UserRef | None:
    """The member whose full display name is written at text[start:] (longest name wins), or None.

    Display names may contain spaces ("Ada Lovelace"), so the first word only narrows the candidates.
    """
    first_word = re.match(r"[\w.'-]+", text[start:])
    if first_word is None:
        return None
    prefix = first_word.group(0).rstrip(".'-")
    if not prefix:
        return None
    candidates = sorted(resolver.users_with_prefix(prefix), key=lambda user: (-len(user.name), user.id))
    for user in candidates:
        end = start + len(user.name)
        if text[start:end].casefold() != user.name.casefold():
            continue
        if end < len(text) and (text[end].isalnum() or text[end] == '_'):
            continue  # "@Al" must not match inside "@Alice"
        return user
    return None
