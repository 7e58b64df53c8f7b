"""What every part of the workspace shell needs to know, resolved once when the page is built (rule 8)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from state.render.emoji_table import EMOJI
from state.stores.roster import Pairs, Roster


@dataclass
class ShellContext:
    user_id: int
    user_name: str
    session_id: int
    workspace_id: int
    workspace_slug: str
    workspace_name: str
    is_admin: bool
    max_message_chars: int
    roster: Roster  # the workspace's members, shared with every other tab of the workspace
    # A guest's tab sees only these people (the people of their channels, db/authz.py); None: everyone.
    guest_sees: frozenset[int] | None = None
    workspace_icon: str = ''  # an emoji (WorkspaceSettings.icon_emoji), shown before the name

    @property
    def workspace_label(self) -> str:
        return f'{self.workspace_icon} {self.workspace_name}' if self.workspace_icon else self.workspace_name

    @property
    def is_guest(self) -> bool:
        return self.guest_sees is not None

    @property
    def people(self) -> Mapping[int, str]:
        """The workspace members this person may see: id -> display name."""
        if self.guest_sees is None:
            return self.roster.names
        return {uid: name for uid, name in self.roster.names.items() if uid in self.guest_sees}

    @property
    def people_pairs(self) -> Pairs:
        """(id, name) for the message lists; the shared tuple itself unless this is a guest."""
        if self.guest_sees is None:
            return self.roster.pairs
        return tuple(pair for pair in self.roster.pairs if pair[0] in self.guest_sees)

    @property
    def mention_people(self) -> Pairs:
        """(id, name) by name for `@` completion; the shared tuple itself unless this is a guest."""
        if self.guest_sees is None:
            return self.roster.by_name
        return tuple(pair for pair in self.roster.by_name if pair[0] in self.guest_sees)

    def channel_url(self, channel_id: int) -> str:
        return f'/w/{self.workspace_slug}/c/{channel_id}'

    def thread_url(self, channel_id: int, root_id: int) -> str:
        return f'{self.channel_url(channel_id)}/t/{root_id}'

    def outbox_key(self, channel_id: int, root_id: int | None = None) -> str:
        """Names this person's conversation in the browser's outbox (composer.js, outbox.js)."""
        thread = f':t{root_id}' if root_id is not None else ''
        return f'{self.user_id}:{self.workspace_id}:{channel_id}{thread}'


# (shortcode, character) pairs for the picker and the `:` autocomplete, in the table's curated order; served
# once as a cacheable asset whose URL changes with its content (see pages/assets.py).
EMOJI_JSON = json.dumps(list(EMOJI.items()), separators=(',', ':'))
EMOJI_URL = f'/assets/emoji-{hashlib.sha256(EMOJI_JSON.encode()).hexdigest()[:12]}.json'
