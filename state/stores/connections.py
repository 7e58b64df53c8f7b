"""The tabs connected to this node: who, which page, since when, their last browser event (the live inspector).

A tab is listed from its socket's first connect until NiceGUI deletes its client, as presence counts it (rule 9).
Keeping it is cheap: one small record per tab, and a browser event costs one dict look-up and a float store
(`touched`, called by the socket guard for every event it passes on), counted into `browser_events`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from nicegui.client import Client

from state.event_rate import EventRate


@dataclass
class Tab:
    client_id: str
    user_id: int
    user_name: str
    workspace: str | None  # the slug, or None for pages outside a workspace
    page: str
    since: float | None = None  # epoch seconds of the first connect
    last_event: float | None = None


class ConnectionRegistry:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._tabs: dict[str, Tab] = {}  # connected tabs by client id
        self._pending: dict[str, Tab] = {}  # built, not connected yet
        self.browser_events = EventRate()

    def track(self, client: Client, user_id: int, user_name: str, workspace: str | None, page: str) -> None:
        """Call at page build: the tab is listed once its socket connects, and forgotten when its client goes."""
        client_id = client.id
        self._pending[client_id] = Tab(client_id, user_id, user_name, workspace, page)
        client.on_connect(lambda: self.connected(client_id))
        client.on_delete(lambda: self.gone(client_id))

    def connected(self, client_id: str) -> None:
        tab = self._pending.pop(client_id, None)
        if tab is not None:
            tab.since = self._clock()
            self._tabs[client_id] = tab

    def gone(self, client_id: str) -> None:
        self._pending.pop(client_id, None)
        self._tabs.pop(client_id, None)

    def touched(self, client_id: str) -> None:
        """A browser event arrived from this tab."""
        self.browser_events.count()
        tab = self._tabs.get(client_id)
        if tab is not None:
            tab.last_event = self._clock()

    def context_of(self, client_id: str) -> tuple[int, str] | None:
        """(user id, workspace slug) of a tracked tab, for the log lines of its events."""
        tab = self._tabs.get(client_id) or self._pending.get(client_id)
        return (tab.user_id, tab.workspace or '') if tab is not None else None

    def tabs(self) -> list[Tab]:
        return list(self._tabs.values())

    def clear(self) -> None:
        self._tabs.clear()
        self._pending.clear()


registry = ConnectionRegistry()
