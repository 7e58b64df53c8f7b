"""Sidebar stores: one per (user, workspace), shared by all that user's tabs, so unread counts agree.

A store is built from the database on first use and then kept current by bus events:

- a new message in one of the user's channels (`channel:{id}`) adds one unread (and one mention when it
  names them) unless they wrote it; the tab that shows the channel calls `mark_read`, and the resulting
  `ReadPositionMoved` (`user:{id}`) clears the entry when it reaches the newest message the store knows of
  (the common case: reading along, or sending) and recomputes it from the database otherwise;
- edits and deletions of unread messages recompute the entry;
- joining, leaving, invitations, new DMs and private channels arrive on `user:{id}`; changes to public
  channels on `workspace:{id}`; DM partners' presence on `presence:{workspace_id}`.

Each `ChannelEntry` is a bindable dataclass (bind badges to `unread_count` / `mention_count`). When the set
of conversations changes, `on_change` subscribers run and `version` goes up. The store goes away when the
last tab that asked for it is deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from nicegui import Event as UiEvent
from nicegui import binding

from db.models import DIRECT_KINDS, ChannelKind
from db.sidebar_queries import COUNT_CAP, SidebarChannel, channels_for_user, sidebar_channel
from seams.nicegui_internals import current_slot
from state.bus import Subscription, bus, channel_topic, presence_topic, user_topic, workspace_topic
from state.events import (
    ChannelCreated,
    ChannelUpdated,
    Event,
    MemberJoined,
    MemberLeft,
    MessageCreated,
    MessageDeleted,
    MessageUpdated,
    NotificationsChanged,
    PresenceChanged,
    ReadPositionMoved,
    WorkspaceImported,
)
from state.stores import presence

log = logging.getLogger(__name__)


@binding.bindable_dataclass
class ChannelEntry:
    id: int
    workspace_id: int
    kind: ChannelKind
    name: str | None
    label: str  # the channel name, or the other people's names for a DM
    topic: str = ''
    archived: bool = False
    muted: bool = False
    notification_level: str = 'all'  # all | mentions | nothing
    unread_count: int = 0
    mention_count: int = 0
    last_read_message_id: int = 0
    partner_id: int | None = None  # the other person of a direct message (for its presence dot)
    partner_status: str = presence.OFFLINE
    member_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        self._counts_changed: UiEvent[[]] = UiEvent()
        self._partner_changed: UiEvent[[]] = UiEvent()

    def on_unread_change(self, callback: Callable[[], Any]) -> None:
        """Run `callback` when unread or mention counts change (unsubscribed with the tab that subscribed)."""
        self._counts_changed.subscribe(callback)

    def on_partner_change(self, callback: Callable[[], Any]) -> None:
        """Run `callback` when the DM partner's presence changes (unsubscribed with the tab that subscribed)."""
        self._partner_changed.subscribe(callback)

    def set_partner_status(self, status: str) -> None:
        if status != self.partner_status:
            self.partner_status = status
            self._partner_changed.emit()

    def set_counts(self, unread: int, mentions: int) -> None:
        if (unread, mentions) == (self.unread_count, self.mention_count):
            return
        self.unread_count = unread
        self.mention_count = mentions
        self._counts_changed.emit()


class SidebarStore:
    version = binding.BindableProperty()  # goes up whenever the set or order of entries changes

    def __init__(self, user_id: int, workspace_id: int) -> None:
        self.user_id = user_id
        self.workspace_id = workspace_id
        self.version = 0
        self._entries: dict[int, ChannelEntry] = {}
        self._order: list[int] = []
        self._changed: UiEvent[[]] = UiEvent()
        self._messages: UiEvent[MessageCreated] = UiEvent()
        self._announced: set[int] = set()  # message ids already handed to `on_message` subscribers
        self._subscriptions: list[Subscription] = []
        self._channel_subscriptions: dict[int, Subscription] = {}
        self._counted: dict[int, int] = {}  # channel id -> newest message id already counted as unread
        self._newest: dict[int, int] = {}  # channel id -> newest message id the store has heard of
        self._holders: set[str] = set()
        self.started = False

    # ---- reading --------------------------------------------------------------------------------------------

    def entries(self) -> list[ChannelEntry]:
        """Channels (by name), then direct and group conversations (by label)."""
        return [self._entries[channel_id] for channel_id in self._order]

    def entry(self, channel_id: int) -> ChannelEntry | None:
        return self._entries.get(channel_id)

    def on_message(self, callback: Callable[[MessageCreated], Any]) -> None:
        """Run `callback` once per new message by someone else that concerns this user: any message in their
        conversations, and thread replies or mentions that reach them personally (for notifications)."""
        self._messages.subscribe(callback)

    def on_change(self, callback: Callable[[], Any]) -> None:
        """Run `callback` when conversations are added, removed or renamed (unsubscribed with its tab)."""
        self._changed.subscribe(callback)

    # ---- life cycle -----------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        for topic in (user_topic(self.user_id), workspace_topic(self.workspace_id), presence_topic(self.workspace_id)):
            self._subscriptions.append(bus.subscribe(topic, self._on_event, detached=True))
        self.reload()

    def stop(self) -> None:
        for subscription in [*self._subscriptions, *self._channel_subscriptions.values()]:
            subscription.cancel()
        self._subscriptions.clear()
        self._channel_subscriptions.clear()
        self.started = False

    def reload(self) -> None:
        """Rebuild from the database (start, and after a reconnect); entry objects are kept, so bindings hold."""
        fresh = channels_for_user(self.user_id, self.workspace_id)
        membership_changed = {row.id for row in fresh} != set(self._entries)
        for channel_id in set(self._entries) - {row.id for row in fresh}:
            self._drop(channel_id)
        for row in fresh:
            self._put(row)
        self._sort(force_event=membership_changed)

    def acquire(self, holder: str) -> None:
        self._holders.add(holder)

    def release(self, holder: str) -> bool:
        """Forget a holder; True when none is left."""
        self._holders.discard(holder)
        return not self._holders

    # ---- events ---------------------------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, MessageCreated):
            self._message_created(event)
        elif isinstance(event, MessageUpdated | MessageDeleted):
            self._message_changed(event)
        elif isinstance(event, ReadPositionMoved):
            if event.user_id == self.user_id and event.channel_id in self._entries:
                self._read_position_moved(event)
        elif isinstance(event, MemberJoined):
            mine = event.user.id == self.user_id and event.workspace_id == self.workspace_id
            if mine and event.channel_id is not None:
                self._recompute(event.channel_id)
        elif isinstance(event, MemberLeft):
            self._member_left(event)
        elif isinstance(event, ChannelCreated):
            if event.channel.workspace_id == self.workspace_id and event.channel.kind != 'public':
                self._recompute(event.channel.id)  # private and DMs are only announced to their members
        elif isinstance(event, ChannelUpdated):
            self._channel_updated(event)
        elif isinstance(event, NotificationsChanged):
            entry = self._entries.get(event.channel_id)
            if entry is not None and event.user_id == self.user_id:
                entry.notification_level, entry.muted = event.level, event.muted
                self._changed.emit()  # rows show muted conversations differently
        elif isinstance(event, WorkspaceImported):
            if event.workspace_id == self.workspace_id:
                self.reload()  # conversations and memberships arrived in bulk
        elif isinstance(event, PresenceChanged):
            for entry in self._entries.values():
                if entry.partner_id is not None and entry.partner_id in event.statuses:
                    entry.set_partner_status(event.statuses[entry.partner_id])

    def _read_position_moved(self, event: ReadPositionMoved) -> None:
        entry = self._entries[event.channel_id]
        if event.last_read_message_id == entry.last_read_message_id:
            return  # heard already: the event comes on both the user's and the channel's topic
        if event.last_read_message_id >= self._newest.get(event.channel_id, 0):
            # Read up to everything known: nothing is unread, no query needed. A message this store has not
            # heard of yet is either at or below the position (read) or above it (counted when it arrives).
            entry.last_read_message_id = event.last_read_message_id
            entry.set_counts(0, 0)
        else:
            self._recompute(event.channel_id)  # moved back (mark unread), or not to the end: count again

    def _message_created(self, event: MessageCreated) -> None:
        message = event.message
        if message.channel_id in self._entries:
            self._newest[message.channel_id] = max(message.id, self._newest.get(message.channel_id, 0))
        if message.author_id != self.user_id and message.channel_id in self._entries:
            self._announce(event)
        entry = self._entries.get(message.channel_id)
        if entry is None or message.author_id == self.user_id or message.id <= entry.last_read_message_id:
            return
        # A mention arrives twice (channel:{id} and user:{id}); ids only grow, so count each id once.
        if message.id <= self._counted.get(message.channel_id, 0):
            return
        self._counted[message.channel_id] = message.id
        named = self.user_id in event.mentioned_user_ids
        if message.thread_root_id is None or message.also_in_channel:
            mentioned = named or event.mentions_all
            entry.set_counts(min(COUNT_CAP, entry.unread_count + 1), min(COUNT_CAP, entry.mention_count + mentioned))
        elif named:
            entry.set_counts(entry.unread_count, min(COUNT_CAP, entry.mention_count + 1))  # a mention in a thread

    def _announce(self, event: MessageCreated) -> None:
        # A message can arrive on several topics (channel and user); subscribers hear of it once.
        if event.message.id in self._announced:
            return
        if len(self._announced) > 1000:
            self._announced.clear()
        self._announced.add(event.message.id)
        self._messages.emit(event)

    def _message_changed(self, event: MessageUpdated | MessageDeleted) -> None:
        if isinstance(event, MessageUpdated):
            channel_id, message_id = event.message.channel_id, event.message.id
            if event.message.author_id == self.user_id:
                return
        else:
            channel_id, message_id = event.channel_id, event.message_id
        entry = self._entries.get(channel_id)
        if entry is not None and message_id > entry.last_read_message_id:
            self._recompute(channel_id)

    def _member_left(self, event: MemberLeft) -> None:
        if event.user_id != self.user_id or event.workspace_id != self.workspace_id:
            return
        if event.channel_id is None:  # removed from the workspace: nothing of it stays
            for channel_id in list(self._entries):
                self._drop(channel_id)
            self._sort(force_event=True)
        elif event.channel_id in self._entries:
            self._drop(event.channel_id)
            self._sort(force_event=True)

    def _channel_updated(self, event: ChannelUpdated) -> None:
        entry = self._entries.get(event.channel.id)
        if entry is None:
            return
        renamed = event.channel.name != entry.name or event.channel.archived != entry.archived
        entry.topic = event.channel.topic
        entry.archived = event.channel.archived
        if event.channel.kind not in DIRECT_KINDS and event.channel.name is not None:
            entry.name = entry.label = event.channel.name
        if renamed:
            self._sort(force_event=True)

    # ---- entries --------------------------------------------------------------------------------------------

    def _recompute(self, channel_id: int) -> None:
        row = sidebar_channel(self.user_id, channel_id)
        if row is None or row.workspace_id != self.workspace_id:
            if channel_id in self._entries:
                self._drop(channel_id)
                self._sort(force_event=True)
            return
        added = channel_id not in self._entries
        self._put(row)
        if added:
            self._sort(force_event=True)

    def _put(self, row: SidebarChannel) -> None:
        partner = _partner(row, self.user_id)
        entry = self._entries.get(row.id)
        if entry is None:
            entry = self._entries[row.id] = ChannelEntry(
                id=row.id,
                workspace_id=row.workspace_id,
                kind=row.kind,
                name=row.name,
                label=row.label,
                partner_id=partner,
                partner_status=presence.status_of(partner) if partner is not None else presence.OFFLINE,
            )
            self._channel_subscriptions[row.id] = bus.subscribe(channel_topic(row.id), self._on_event, detached=True)
        entry.name = row.name
        entry.label = row.label
        entry.topic = row.topic
        entry.archived = row.archived
        entry.muted = row.muted
        entry.notification_level = row.notification_level
        entry.member_ids = row.member_ids
        entry.last_read_message_id = row.last_read_message_id
        self._newest[row.id] = max(row.last_message_id, self._newest.get(row.id, 0))
        entry.set_counts(row.unread_count, row.mention_count)

    def _drop(self, channel_id: int) -> None:
        self._entries.pop(channel_id, None)
        self._counted.pop(channel_id, None)
        self._newest.pop(channel_id, None)
        subscription = self._channel_subscriptions.pop(channel_id, None)
        if subscription is not None:
            subscription.cancel()

    def _sort(self, *, force_event: bool) -> None:
        entries = self._entries.values()
        channels = sorted((e for e in entries if e.kind not in DIRECT_KINDS), key=lambda e: e.label)
        directs = sorted((e for e in entries if e.kind in DIRECT_KINDS), key=lambda e: e.label.lower())
        order = [e.id for e in (*channels, *directs)]
        if order != self._order or force_event:
            self._order = order
            self.version += 1
            self._changed.emit()


def _partner(row: SidebarChannel, viewer_id: int) -> int | None:
    if row.kind != 'direct':
        return None
    others = [uid for uid in row.member_ids if uid != viewer_id]
    return others[0] if len(others) == 1 else None


# ---- one store per (user, workspace), shared by that user's tabs -------------------------------------------

_stores: dict[tuple[int, int], SidebarStore] = {}


def sidebar_store(user_id: int, workspace_id: int) -> SidebarStore:
    """The user's sidebar for a workspace; called while a page is built, it lives as long as that tab does."""
    key = (user_id, workspace_id)
    store = _stores.get(key)
    if store is None:
        store = _stores[key] = SidebarStore(user_id, workspace_id)
        store.start()
    if current_slot() is not None:  # inside a page: this tab holds the store until NiceGUI deletes it
        from nicegui import context

        client = context.client
        store.acquire(client.id)
        client.on_delete(lambda: release_sidebar_store(user_id, workspace_id, client.id))
    return store


def release_sidebar_store(user_id: int, workspace_id: int, holder: str) -> None:
    """A tab that held the store is gone; the last one to go stops and forgets it."""
    key = (user_id, workspace_id)
    store = _stores.get(key)
    if store is not None and store.release(holder):
        store.stop()
        del _stores[key]


def active_stores() -> dict[tuple[int, int], SidebarStore]:
    return dict(_stores)


def drop_all() -> None:
    """Forget every store (tests, shutdown)."""
    for store in _stores.values():
        store.stop()
    _stores.clear()
