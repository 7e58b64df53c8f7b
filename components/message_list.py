"""Server side of the message list: one element per tab, fed compact JSON deltas (DESIGN rule 5).

The browser component (message_list.js) keeps the rendered messages; the server only sends what changed,
one small outbox message per change (see components/client_calls.py). A new or edited message is serialized
once for all the tabs it reaches.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from nicegui import ui

from components.client_calls import call_method, call_method_json
from state.bus import bus
from state.events import EphemeralView, MessageView, ReactionView
from state.stores.roster import Pairs

Delta = dict[str, Any]


class _JsonCache:
    """The same view fans out to every viewing tab: serialize it once, not once per tab."""

    def __init__(self) -> None:
        self._view: MessageView | None = None
        self._data: dict[str, Any] = {}
        self._payloads: dict[str, str] = {}  # op -> the call's arguments as JSON, for the current view

    def dump(self, view: MessageView) -> dict[str, Any]:
        if view is not self._view:
            self._view = view
            self._data = view.model_dump(mode='json')
            self._payloads = {}
        return self._data

    def payload(self, op: str, view: MessageView) -> str:
        """The JSON arguments of an `applyDeltas` call carrying `view` as one `op` delta."""
        data = self.dump(view)
        text = self._payloads.get(op)
        if text is None:
            text = self._payloads[op] = json.dumps([[{'op': op, 'message': data}]], separators=(',', ':'))
        return text


_cache = _JsonCache()


def message_json(view: MessageView) -> dict[str, Any]:
    return _cache.dump(view)


# The browser modules message_list.js imports (NiceGUI puts each into the page's import map under its file stem):
# shared formatting, the rows, a message's files, the emoji picker and the outbox.
LIST_MODULES: list[str | Path] = [
    'chat_format.js',
    'message_files.js',
    'message_row.js',
    'emoji_picker.js',
    'outbox.js',
]


class MessageList(ui.element, component='message_list.js', dependencies=LIST_MODULES):
    def __init__(
        self,
        *,
        me: int,
        mode: str,
        people: Pairs,
        emoji_url: str,
        avatars: Pairs = (),
        can_moderate: bool,
        read_only: bool,
        link_base: str,
        start_text: str = 'This is the very beginning of the conversation.',
    ) -> None:
        super().__init__()
        self.props['start-text'] = start_text
        self.props['me'] = me
        self.props['mode'] = mode
        # Tuples, not a dict or lists: NiceGUI wraps those in observable copies per tab (see composer.py); and
        # the roster's own tuple, shared by every tab of the workspace.
        self.props['people'] = people
        self.props['avatars'] = avatars  # (id, URL) pairs: the roster's own tuple, like `people`
        self.props['emoji-url'] = emoji_url
        self.props['can-moderate'] = can_moderate
        self.props['read-only'] = read_only
        self.props['link-base'] = link_base
        # The catch-up cursor: a catch-up after a reconnect or a bus outage fetches what is newer. Everything up to
        # it has arrived: moved by database reads, and by bus deliveries only while the bus hears every node (see
        # append).
        self.newest_id = 0
        self.oldest_id = 0
        self._recent: deque[int] = deque(maxlen=32)  # ids appended lately, to drop a repeated delivery

    # ---- props that change rarely -----------------------------------------------------------------------

    def set_people(self, people: Pairs, avatars: Pairs | None = None) -> None:
        self.props['people'] = people
        if avatars is not None:
            self.props['avatars'] = avatars
        self.update()

    def set_read_only(self, read_only: bool) -> None:
        self.props['read-only'] = read_only
        self.update()

    def configure(self, *, link_base: str, outbox_key: str, read_only: bool) -> None:
        """Point the list at another conversation (permalinks start at `link_base`; its own unconfirmed sends are
        the browser outbox's entries under `outbox_key`)."""
        self.props['link-base'] = link_base
        self.props['outbox-key'] = outbox_key
        self.set_read_only(read_only)

    # ---- deltas -----------------------------------------------------------------------------------------

    def reset(
        self,
        messages: Sequence[MessageView],
        *,
        has_more_before: bool,
        has_more_after: bool = False,
        last_read_id: int = 0,
        highlight_id: int | None = None,
        scroll_to_unread: bool = False,
    ) -> None:
        self._track(messages, reset=True)
        self.send(
            [
                {
                    'op': 'reset',
                    'messages': [message_json(m) for m in messages],
                    'has_more_before': has_more_before,
                    'has_more_after': has_more_after,
                    'last_read_id': last_read_id,
                    'highlight_id': highlight_id,
                    'scroll_to_unread': scroll_to_unread,
                }
            ]
        )

    def append(self, message: MessageView, *, sent_here: bool = False) -> None:
        """Show a new message; `sent_here`: the action's answer to this tab's own send, not a bus delivery.

        While this node's Redis subscription is down, its own messages still arrive (the answer, and the bus's
        local delivery), newer than other nodes' messages this tab never heard of: were they to move `newest_id`,
        the catch-up would start after those and skip them. So only a delivery while the bus hears every node does.
        """
        if not sent_here and bus.hears_every_node():
            self._track([message])
        elif not self.oldest_id:
            self.oldest_id = message.id  # the first message of an empty conversation: scroll-back starts here
        # The sender's own tab hears of its message twice (the action's answer and the bus): send it once.
        if message.id in self._recent:
            return
        self._recent.append(message.id)
        call_method_json(self, 'applyDeltas', _cache.payload('append', message))

    def update_message(self, message: MessageView) -> None:
        call_method_json(self, 'applyDeltas', _cache.payload('update', message))

    def edit_done(self, message_id: int) -> None:
        """The server applied or refused this tab's edit: it leaves the browser's outbox of edits."""
        self.send([{'op': 'edit-done', 'id': message_id}])

    def remove_message(self, message_id: int) -> None:
        self.send([{'op': 'remove', 'id': message_id}])

    def prepend(self, messages: Sequence[MessageView], *, has_more: bool) -> None:
        self._track(messages)
        self.send([{'op': 'prepend', 'messages': [message_json(m) for m in messages], 'has_more': has_more}])

    def extend(self, messages: Sequence[MessageView], *, has_more: bool) -> None:
        self._track(messages)
        self.send([{'op': 'extend', 'messages': [message_json(m) for m in messages], 'has_more': has_more}])

    def reaction(self, message_id: int, reaction: ReactionView) -> None:
        self.send([{'op': 'reaction', 'id': message_id, 'reaction': reaction.model_dump(mode='json')}])

    def thread_summary(self, root_id: int, reply_count: int, last_reply_at: str, reply_user_ids: Iterable[int]) -> None:
        self.send(
            [
                {
                    'op': 'thread',
                    'id': root_id,
                    'reply_count': reply_count,
                    'last_reply_at': last_reply_at,
                    'reply_user_ids': list(reply_user_ids),
                }
            ]
        )

    def ephemeral(self, view: EphemeralView) -> None:
        """A message for this person alone ("Only visible to you"): shown at the bottom, never stored."""
        self.send([{'op': 'ephemeral', 'message': view.model_dump(mode='json')}])

    def remove_pending(self, client_msg_id: str) -> None:
        self.send([{'op': 'drop-pending', 'client_msg_id': client_msg_id}])

    def failed(self, client_msg_id: str, error: str) -> None:
        self.send([{'op': 'failed', 'client_msg_id': client_msg_id, 'error': error}])

    def read_position(self, last_read_id: int) -> None:
        self.send([{'op': 'read', 'last_read_id': last_read_id}])

    def receipts(self, positions: dict[int, int]) -> None:
        """Everyone's read positions (user id -> message id) for "seen by"; the browser places them."""
        self.send([{'op': 'receipts', 'receipts': {str(k): v for k, v in positions.items()}}])

    def receipt(self, user_id: int, position: int) -> None:
        self.send([{'op': 'receipt', 'user_id': user_id, 'position': position}])

    def marks(self, *, pinned: Iterable[int] | None = None, saved: Iterable[int] | None = None) -> None:
        """Which messages show as pinned (the channel's) and as saved (this person's); None leaves one as it is."""
        delta: Delta = {'op': 'marks'}
        if pinned is not None:
            delta['pinned'] = list(pinned)
        if saved is not None:
            delta['saved'] = list(saved)
        self.send([delta])

    def highlight(self, message_id: int) -> None:
        self.send([{'op': 'highlight', 'id': message_id}])

    def start_edit(self, message_id: int) -> None:
        self.send([{'op': 'edit', 'id': message_id}])

    def send(self, deltas: list[Delta]) -> None:
        call_method(self, 'applyDeltas', deltas)

    def _track(self, messages: Sequence[MessageView], *, reset: bool = False) -> None:
        ids = [m.id for m in messages]
        if reset:
            self.newest_id = max(ids, default=0)
            self.oldest_id = min(ids, default=0)
        elif ids:
            self.newest_id = max(self.newest_id, *ids)
            self.oldest_id = min(self.oldest_id or ids[0], *ids)
