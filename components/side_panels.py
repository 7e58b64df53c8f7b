"""The right-hand side of the shell: the thread, people, search and saved panels take turns, one open at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

PanelName = Literal['thread', 'people', 'search', 'saved']


class SidePanels:
    """Opening one side panel closes the others.

    Each panel is known by how to close it rather than by the panel itself: panels are built the first time
    they open (most tabs never open them), and closing the thread also moves the URL back to the channel.
    """

    def __init__(self) -> None:
        self._closers: dict[PanelName, Callable[[], None]] = {}

    def add(self, name: PanelName, close: Callable[[], None]) -> None:
        """`close` must do nothing when its panel is not open, or not built yet."""
        self._closers[name] = close

    def make_room_for(self, name: PanelName) -> None:
        """Close every other panel, in the order they were added, before `name` opens."""
        if name not in self._closers:
            raise KeyError(name)
        for other, close in self._closers.items():
            if other != name:
                close()
