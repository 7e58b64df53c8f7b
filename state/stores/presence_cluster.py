"""Presence across several nodes: what the other nodes see of each person, merged with this node's own view.

A person's tabs may be on several nodes. Each node keeps computing presence from its own tabs (the "local"
status, exactly as on a single node) and reports it to the others on the bus's `cluster:presence` topic:
changes as they happen, and its whole view every `HEARTBEAT_SECONDS` (which also repairs anything a Redis
outage lost). Every node shows the strongest status any node reports: busy > online > away > offline, so a
person is online while any of their tabs anywhere is active. Manual away/busy is a property of the person, not
of a tab: the node where it is set tells the others (`ManualPresenceSet`), so every node with a tab of that
person computes the same manual status. A node that stops says goodbye; a node that crashed is forgotten
when it has not been heard of for `NODE_TTL_SECONDS`, and its people go offline unless another node has them.

Only the merged status reaches subscribers, and each node delivers its own `PresenceChanged` diffs to its own
subscribers only: the nodes' local views never travel as presence events themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from state.events import PresenceReport

SYNC_TOPIC = 'cluster:presence'
HEARTBEAT_SECONDS = 5.0
NODE_TTL_SECONDS = 3 * HEARTBEAT_SECONDS + 1.0  # three missed heartbeats

# The statuses of state/stores/presence.py (which imports this module), weakest first.
_RANK = {'offline': 0, 'away': 1, 'online': 2, 'busy': 3}


def strongest(statuses: Iterable[str]) -> str:
    return max(statuses, key=lambda status: _RANK.get(status, 0), default='offline')


@dataclass
class _Node:
    heard_at: float
    statuses: dict[int, str] = field(default_factory=dict)


class ClusterPresence:
    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        self._local: dict[int, str] = {}  # this node's own view; offline people are left out
        self._unsent: dict[int, str] = {}  # local changes not reported yet
        self._nodes: dict[str, _Node] = {}
        self._next_heartbeat: float | None = None

    # ---- this node ------------------------------------------------------------------------------------------

    def local_status(self, user_id: int) -> str:
        return self._local.get(user_id, 'offline')

    def set_local(self, user_id: int, status: str) -> None:
        if self.local_status(user_id) == status:
            return
        if status == 'offline':
            del self._local[user_id]
        else:
            self._local[user_id] = status
        self._unsent[user_id] = status

    def take_changes(self) -> PresenceReport | None:
        """The local changes since the last report, or None."""
        if not self._unsent:
            return None
        changes, self._unsent = self._unsent, {}
        return PresenceReport(node_id=self.node_id, statuses=changes)

    def full_report(self, now: float, *, bye: bool = False) -> PresenceReport:
        self._unsent = {}
        self._next_heartbeat = now + HEARTBEAT_SECONDS
        return PresenceReport(node_id=self.node_id, statuses={} if bye else dict(self._local), full=True, bye=bye)

    def heartbeat_due(self, now: float) -> bool:
        return self._next_heartbeat is None or now >= self._next_heartbeat

    # ---- the other nodes ------------------------------------------------------------------------------------

    def merged(self, user_id: int, local: str) -> str:
        return strongest([local, *(node.statuses.get(user_id, 'offline') for node in self._nodes.values())])

    def receive(self, report: PresenceReport, now: float) -> tuple[set[int], bool]:
        """Apply another node's report: (people whose merged status may have changed, whether that node is new
        to us and so should get our whole view at once)."""
        node = self._nodes.get(report.node_id)
        newcomer = node is None and not report.bye
        if report.bye:
            gone = self._nodes.pop(report.node_id, None)
            return (set(gone.statuses) if gone is not None else set()), False
        if node is None:
            node = self._nodes[report.node_id] = _Node(heard_at=now)
        node.heard_at = now
        affected = set(report.statuses)
        if report.full:
            affected |= set(node.statuses)
            node.statuses = {uid: status for uid, status in report.statuses.items() if status != 'offline'}
        else:
            for uid, status in report.statuses.items():
                if status == 'offline':
                    node.statuses.pop(uid, None)
                else:
                    node.statuses[uid] = status
        return affected, newcomer

    def expire(self, now: float) -> set[int]:
        """Forget nodes that stopped reporting; returns the people they had."""
        affected: set[int] = set()
        for node_id in [nid for nid, node in self._nodes.items() if now - node.heard_at > NODE_TTL_SECONDS]:
            affected |= set(self._nodes.pop(node_id).statuses)
        return affected

    def nodes(self) -> list[str]:
        return sorted(self._nodes)
