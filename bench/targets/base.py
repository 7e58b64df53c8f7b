"""What every target gives the coordinator: a running server, its pid, and the tabs to open on it."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from bench.procs import Server
from bench.tabs.base import TabSpec

BIG_ROOM = 'big'


@dataclass(frozen=True)
class Layout:
    """N tabs, one user each, in rooms of `room_size`; the big room holds every user."""

    tabs: int
    room_size: int
    history: int = 50  # messages already in each room when a tab opens it

    @property
    def rooms(self) -> int:
        return math.ceil(self.tabs / self.room_size)

    def room_of(self, tab: int) -> int:
        return tab // self.room_size


class Target(ABC):
    name = ''
    kind = ''  # which tab class the load generator uses
    label = ''  # how the report names it

    def __init__(self, workdir: Path, layout: Layout) -> None:
        self.workdir = workdir / self.name
        self.layout = layout
        self.server: Server | None = None
        self.notes: list[str] = []

    @property
    def pid(self) -> int:
        assert self.server is not None
        return self.server.pid

    @abstractmethod
    def start(self) -> None:
        """Start the server and create users and rooms (with history) for the layout."""

    @abstractmethod
    def specs(self, big_room: bool) -> list[TabSpec]:
        """Tab i belongs to user i; it shows its small room, or the big room."""

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
