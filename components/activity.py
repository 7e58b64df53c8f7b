"""Browser-side activity reports for presence (see activity.js)."""

from __future__ import annotations

from nicegui import ui

from settings import get_settings
from state.actions.activity import note_activity


class ActivityTracker(ui.element, component='activity.js'):
    def __init__(self, user_id: int) -> None:
        super().__init__()
        # Report often enough that "away" (after away_after_seconds) is never shown while someone is active.
        self.props['interval'] = max(0.5, min(30.0, get_settings().away_after_seconds / 3))
        self.on('active', lambda _: note_activity(user_id))
