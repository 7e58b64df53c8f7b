"""Presence: one state machine per person, shared by all their tabs and workspaces.

    offline --tab connects--> online --no activity for away_after_seconds--> away --activity--> online
    any --last tab gone, grace period over--> offline        manual 'away'/'busy' win while a tab is open

A tab counts once its socket connects (`client_connected`) and stops counting when NiceGUI deletes its
client (`client_gone`), never at page build (a plain GET makes a client that may never connect). The grace
period keeps a person online while they move from one page to the next. Changes go out as small diffs
(`PresenceChanged`) on `presence:{workspace_id}` for every workspace the person is in; time-based changes
come from `tick`, driven by the one app timer. With several nodes (`join_cluster`), each node merges the other
nodes' views of the same people (state/stores/presence_cluster.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from nicegui import binding
from nicegui.client import Client
from sqlmodel import select

from db.engine import read_session
from db.models import User, WorkspaceMember
from settings import get_settings
from state.bus import RESYNC_TOPIC, Subscription, bus, presence_topic
from state.events import Event, ManualPresenceSet, PresenceChanged, PresenceReport
from state.stores.presence_cluster import SYNC_TOPIC, ClusterPresence

ONLINE, AWAY, BUSY, OFFLINE = 'online', 'away', 'busy', 'offline'
GRACE_SECONDS = 8.0


@binding.bindable_dataclass
class UserPresence:
    """Bind presence dots to `status` (push-based; no polling)."""

    user_id: int
    status: str = OFFLINE


@dataclass
class _State:
    clients: set[str] = field(default_factory=set)
    last_activity: float = 0.0
    gone_at: float | None = None  # when the last tab went away
    manual: str | None = None  # 'away' | 'busy'
    manual_until: float | None = None  # epoch seconds; None = until changed


def _workspaces_from_db(user_id: int) -> list[int]:
    with read_session() as session:
        return list(session.exec(select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user_id)))


def _manual_from_db(user_id: int) -> tuple[str | None, datetime | None]:
    with read_session() as session:
        user = session.get(User, user_id)
        return (user.manual_status, user.manual_status_expires_at) if user is not None else (None, None)


class PresenceStore:
    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        *,
        away_after: float | None = None,
        grace: float = GRACE_SECONDS,
        workspaces_of: Callable[[int], list[int]] = _workspaces_from_db,
        manual_of: Callable[[int], tuple[str | None, datetime | None]] = _manual_from_db,
    ) -> None:
        self._clock = clock
        self._away_after = away_after
        self._grace = grace
        self._workspaces_of = workspaces_of
        self._manual_of = manual_of
        self._states: dict[int, _State] = {}
        self._presences: dict[int, UserPresence] = {}
        self._cluster: ClusterPresence | None = None  # set while this node is one of several
        self._sync: Subscription | None = None
        self._resync: Subscription | None = None

    # ---- inputs ---------------------------------------------------------------------------------------------

    def client_connected(self, user_id: int, client_id: str) -> None:
        state = self._state(user_id)
        state.clients.add(client_id)  # a set: reconnects of the same tab count once
        state.gone_at = None
        state.last_activity = self._clock()
        self._publish(self._refresh([user_id]))

    def client_gone(self, user_id: int, client_id: str) -> None:
        state = self._states.get(user_id)
        if state is None or client_id not in state.clients:
            return
        state.clients.discard(client_id)
        if not state.clients:
            state.gone_at = self._clock()  # offline once the grace period is over (see tick)
        self._publish(self._refresh([user_id]))

    def activity(self, user_id: int) -> None:
        """The person did something in a tab (typed, clicked, focused it)."""
        state = self._states.get(user_id)
        if state is None or not state.clients:
            return
        state.last_activity = self._clock()
        if self._local_status(user_id) == AWAY:
            self._publish(self._refresh([user_id]))

    def set_manual(self, user_id: int, status: str | None, until: datetime | None = None) -> None:
        state = self._state(user_id)
        state.manual = status
        state.manual_until = until.timestamp() if until is not None and status is not None else None
        if self._cluster is not None:  # every node with a tab of this person must show the same manual status
            node_id = self._cluster.node_id
            manual = ManualPresenceSet(node_id=node_id, user_id=user_id, status=status, until=state.manual_until)
            bus.publish(SYNC_TOPIC, manual)
        self._publish(self._refresh([user_id]))

    def tick(self, now: float | None = None) -> None:
        """Apply time: idle tabs become away, manual statuses expire, grace periods end."""
        moment = self._clock() if now is None else now
        live = {uid for uid, presence in self._presences.items() if presence.status != OFFLINE}
        if self._cluster is not None:
            live |= self._cluster.expire(moment)
        self._publish(self._refresh(live, moment))
        if self._cluster is not None and self._cluster.heartbeat_due(moment):
            bus.publish(SYNC_TOPIC, self._cluster.full_report(moment))

    # ---- outputs --------------------------------------------------------------------------------------------

    def status_of(self, user_id: int) -> str:
        presence = self._presences.get(user_id)
        return presence.status if presence is not None else OFFLINE

    def statuses(self, user_ids: Iterable[int]) -> dict[int, str]:
        return {uid: self.status_of(uid) for uid in user_ids}

    def connected_tabs(self) -> tuple[int, int]:
        """(tabs, people with at least one of them) connected to this node, for the metrics."""
        counts = [len(state.clients) for state in list(self._states.values()) if state.clients]
        return sum(counts), len(counts)

    def known(self) -> list[tuple[int, str, int]]:
        """(user id, status, tabs on this node) of everyone not offline, for the live inspector."""
        return [
            (uid, presence.status, len(self._states[uid].clients) if uid in self._states else 0)
            for uid, presence in self._presences.items()
            if presence.status != OFFLINE
        ]

    def user(self, user_id: int) -> UserPresence:
        """The bindable presence of one person (the same object for as long as the process runs)."""
        presence = self._presences.get(user_id)
        if presence is None:
            presence = self._presences[user_id] = UserPresence(user_id)
        return presence

    def clear(self) -> None:
        self.leave_cluster(say_goodbye=False)
        self._states.clear()
        for presence in self._presences.values():
            presence.status = OFFLINE

    # ---- several nodes ----------------------------------------------------------------------------------------

    def join_cluster(self, node_id: str) -> None:
        """From now on merge the other nodes' views and report ours (call once the bus backend has started)."""
        self.leave_cluster(say_goodbye=False)
        self._cluster = ClusterPresence(node_id)
        self._sync = bus.subscribe(SYNC_TOPIC, self._on_sync, detached=True)
        # Back on the bus after an outage: report our whole view now, not at the next heartbeat; nodes that
        # forgot us meanwhile answer with theirs at once.
        self._resync = bus.subscribe(RESYNC_TOPIC, lambda _event: self._say_hello(), detached=True)
        self._say_hello()

    def _say_hello(self) -> None:
        if self._cluster is not None:
            bus.publish(SYNC_TOPIC, self._cluster.full_report(self._clock()))  # the others answer with theirs

    def leave_cluster(self, *, say_goodbye: bool = True) -> None:
        if self._cluster is None:
            return
        if say_goodbye:
            bus.publish(SYNC_TOPIC, self._cluster.full_report(self._clock(), bye=True))
        for subscription in (self._sync, self._resync):
            if subscription is not None:
                subscription.cancel()
        self._cluster = self._sync = self._resync = None

    def cluster_nodes(self) -> list[str]:
        """The other nodes this one currently hears from (admin view, tests)."""
        return self._cluster.nodes() if self._cluster is not None else []

    def _on_sync(self, event: Event) -> None:
        cluster = self._cluster
        if cluster is None or getattr(event, 'node_id', None) == cluster.node_id:
            return  # our own report, delivered locally by the bus
        if isinstance(event, PresenceReport):
            affected, newcomer = cluster.receive(event, self._clock())
            if newcomer:
                bus.publish(SYNC_TOPIC, cluster.full_report(self._clock()))
            self._publish(self._refresh(affected))
        elif isinstance(event, ManualPresenceSet):
            state = self._states.get(event.user_id)
            if state is None:
                return  # no tab of theirs here; a tab that connects later reads it from the database
            state.manual, state.manual_until = event.status, event.until
            self._publish(self._refresh([event.user_id]))

    def _local_status(self, user_id: int) -> str:
        return self._cluster.local_status(user_id) if self._cluster is not None else self.status_of(user_id)

    # ---- machinery ------------------------------------------------------------------------------------------

    def _state(self, user_id: int) -> _State:
        state = self._states.get(user_id)
        if state is None:
            manual, until = self._manual_of(user_id)  # survives restarts: stored by the profile action
            state = self._states[user_id] = _State(
                manual=manual, manual_until=until.timestamp() if until is not None else None
            )
        return state

    def _compute(self, state: _State, now: float) -> str:
        if not state.clients and (state.gone_at is None or now - state.gone_at >= self._grace):
            return OFFLINE
        if state.manual is not None and state.manual_until is not None and now >= state.manual_until:
            state.manual = state.manual_until = None
        if state.manual in (AWAY, BUSY):
            return state.manual
        away_after = self._away_after if self._away_after is not None else get_settings().away_after_seconds
        return AWAY if now - state.last_activity >= away_after else ONLINE

    def _refresh(self, user_ids: Iterable[int], now: float | None = None) -> dict[int, str]:
        moment = self._clock() if now is None else now
        changed: dict[int, str] = {}
        for uid in user_ids:
            state = self._states.get(uid)
            local = self._compute(state, moment) if state is not None else OFFLINE
            status = local
            if self._cluster is not None:
                self._cluster.set_local(uid, local)
                status = self._cluster.merged(uid, local)
            presence = self.user(uid)
            if presence.status != status:
                presence.status = status
                changed[uid] = status
            if local == OFFLINE and state is not None and not state.clients:
                del self._states[uid]  # nothing left to time; the DB keeps the manual status
        return changed

    def _publish(self, changed: dict[int, str]) -> None:
        if self._cluster is not None:
            report = self._cluster.take_changes()
            if report is not None:
                bus.publish(SYNC_TOPIC, report)
        if not changed:
            return
        per_workspace: dict[int, dict[int, str]] = {}
        for uid, status in changed.items():
            for workspace_id in self._workspaces_of(uid):
                per_workspace.setdefault(workspace_id, {})[uid] = status
        events: list[tuple[str, Event]] = [
            (presence_topic(workspace_id), PresenceChanged(statuses=diff))
            for workspace_id, diff in sorted(per_workspace.items())
        ]
        if self._cluster is None:
            bus.publish_many(events)
            return
        for topic, event in events:  # merged statuses are this node's business: the others merge their own
            bus.deliver_local(topic, event)


store = PresenceStore()


def client_connected(user_id: int, client_id: str) -> None:
    store.client_connected(user_id, client_id)


def client_gone(user_id: int, client_id: str) -> None:
    store.client_gone(user_id, client_id)


def activity(user_id: int) -> None:
    store.activity(user_id)


def status_of(user_id: int) -> str:
    return store.status_of(user_id)


def user_presence(user_id: int) -> UserPresence:
    return store.user(user_id)


def track_client(user_id: int, client: Client) -> None:
    """Count this tab for the user from its first connect until NiceGUI deletes it (call at page build)."""
    client.on_connect(lambda: store.client_connected(user_id, client.id))
    client.on_delete(lambda: store.client_gone(user_id, client.id))
