"""What the load generator needs from an emulated tab, whatever server it talks to."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp


@dataclass(frozen=True)
class TabSpec:
    """One emulated browser tab: who is logged in and which room (channel) it shows."""

    index: int
    room: str  # the target's own room or channel id, as text
    url: str  # the page (NiceGUI targets) or the server's base URL (socket.io floor, Matrix)
    user: str = ''
    secret: str = ''  # a password or an access token, as the target needs
    extra: dict[str, str] = field(default_factory=dict)


FrameSink = Callable[['Tab', str], None]
# What happened to a tab's connection outside the normal flow: 'drop: <reason>', 'reconnect', 'reload', 'lost'.
NoticeSink = Callable[['Tab', str], None]


def _ignore(_tab: Tab, _what: str) -> None:
    return None


class Tab(ABC):
    """A connected tab. It passes every received frame that may hold messages to `sink` as raw text."""

    # True when send() returns only after the server acknowledged the message (after its commit);
    # otherwise the acknowledgement is the sender's own tab receiving the message.
    has_server_ack = False

    def __init__(
        self, spec: TabSpec, session: aiohttp.ClientSession, sink: FrameSink, notice: NoticeSink = _ignore
    ) -> None:
        self.spec = spec
        self.session = session
        self.sink = sink
        self.notice = notice
        self.seen: set[str] = set()  # message keys this tab received in the current phase
        self.own: dict[str, int] = {}  # keys this tab sent and has not yet received -> send time (us)

    async def prepare(self) -> None:
        """One-time work before the first open that is not part of opening a tab (logging in)."""
        return None

    @abstractmethod
    async def open(self) -> None:
        """Load the page (or sync) and connect; returns when the tab is live."""

    @abstractmethod
    async def send(self, text: str) -> None:
        """Post a message through the path a user's tab uses."""

    @abstractmethod
    async def close(self) -> None:
        """Disconnect, as closing the browser tab would."""

    async def keepalive(self) -> None:
        """Periodic housekeeping a browser would do (NiceGUI: acknowledge received messages)."""
        return None
