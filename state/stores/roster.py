"""Each workspace's roster (member ids and display names), one shared copy per server for all its tabs.

Every tab needs the roster: the message lists name authors and mentions with it and the composers complete
`@` from it. Built per tab, 500 members cost about 111 KB per tab (bench/RESULTS.md); shared, one copy. A
`Roster` is immutable: a change makes a new one, and each tab swaps its reference when the workspace event
reaches it. The store follows the workspace topic itself, so a node's copy stays true with no tab open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from db.directory_queries import workspace_people
from state.bus import Subscription, bus, workspace_topic
from state.events import Event, MemberJoined, MemberLeft, UserChanged, WorkspaceImported

Pairs = tuple[tuple[int, str], ...]


@dataclass(frozen=True, eq=False)
class Roster:
    names: Mapping[int, str]  # read-only: every tab of the workspace holds this same object
    pairs: Pairs  # (id, name), as the message lists take it
    by_name: Pairs  # (id, name) sorted by name, for autocomplete

    @classmethod
    def of(cls, names: Mapping[int, str]) -> Roster:
        pairs = tuple(names.items())
        return cls(MappingProxyType(dict(names)), pairs, tuple(sorted(pairs, key=lambda p: p[1].lower())))

    def with_person(self, user_id: int, name: str | None) -> Roster:
        """This roster with `user_id` renamed, added or (name None) removed; itself when nothing changes."""
        if self.names.get(user_id) == name:
            return self
        names = dict(self.names)
        if name is None:
            names.pop(user_id, None)
        else:
            names[user_id] = name
        return Roster.of(names)


_rosters: dict[int, Roster] = {}
_subscriptions: dict[int, Subscription] = {}


def roster(workspace_id: int) -> Roster:
    """The workspace's current roster, loaded on first use."""
    current = _rosters.get(workspace_id)
    if current is None:
        current = _rosters[workspace_id] = Roster.of(workspace_people(workspace_id))
        if workspace_id not in _subscriptions:
            _subscriptions[workspace_id] = bus.subscribe(
                workspace_topic(workspace_id), lambda event: _on_event(workspace_id, event), detached=True
            )
    return current


def person_changed(workspace_id: int, user_id: int, name: str | None) -> Roster:
    """Apply one change (idempotent, so tabs may call it in any order with the store's own subscription)."""
    updated = roster(workspace_id).with_person(user_id, name)
    _rosters[workspace_id] = updated
    return updated


def reload(workspace_id: int) -> Roster:
    """Read the roster again (after an import added people in bulk); idempotent like `person_changed`."""
    current = _rosters.get(workspace_id)
    fresh = Roster.of(workspace_people(workspace_id))
    if current is not None and dict(current.names) == dict(fresh.names):
        return current
    _rosters[workspace_id] = fresh
    return fresh


def _on_event(workspace_id: int, event: Event) -> None:
    if isinstance(event, MemberJoined | MemberLeft) and event.channel_id is not None:
        return  # a channel's membership, not the workspace's
    if isinstance(event, MemberLeft):
        person_changed(workspace_id, event.user_id, None)
    elif isinstance(event, MemberJoined | UserChanged):
        person_changed(workspace_id, event.user.id, event.user.display_name)
    elif isinstance(event, WorkspaceImported):
        reload(workspace_id)


def drop_all() -> None:
    """Forget every roster (tests, shutdown)."""
    for subscription in _subscriptions.values():
        subscription.cancel()
    _subscriptions.clear()
    _rosters.clear()
