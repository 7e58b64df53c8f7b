"""The person's scheduled messages of the open conversation, above the composer (scheduled_list.js).

It follows `user:{id}` for `ScheduledChanged`, so every tab of the author sees a message scheduled, edited,
cancelled, sent or failed anywhere (the scheduler's delivery included) and reads its short list again, off the
event loop. The rows are data in one element's props, never an element per row. Send now, Edit and Cancel go
through the actions, which check that the message is the person's own.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from nicegui import ui
from nicegui.events import GenericEventArguments

from components.event_args import event_args, id_arg, text_arg
from components.messenger import attempt
from db.errors import DatabaseUnavailable
from db.scheduled_queries import ScheduledView
from state.actions import scheduled as scheduled_actions
from state.blocking import off_loop
from state.bus import bus, user_topic
from state.errors import ActionError
from state.events import Event, ScheduledChanged

log = logging.getLogger(__name__)


def post_at_arg(e: GenericEventArguments) -> datetime | None:
    """Unix seconds from the browser as an aware datetime, or None for anything that is not a usable time."""
    value = event_args(e).get('post_at')
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def row_json(view: ScheduledView) -> dict[str, Any]:
    return {
        'id': view.id,
        'body': view.body,
        'post_at': int(view.post_at.timestamp()),
        'state': view.state,
        'failure': view.failure,
    }


class ScheduledBar(ui.element, component='scheduled_list.js', dependencies=['schedule_times.js']):
    def __init__(self, user_id: int, workspace_id: int) -> None:
        super().__init__()
        self.user_id = user_id  # resolved when the page was built (rule 8)
        self.workspace_id = workspace_id
        self.channel_id: int | None = None
        self._generation = 0  # the newest refresh wins, whatever order the reads finish in
        self.props['rows'] = ()
        bus.subscribe(user_topic(user_id), self._on_event, owner=self)
        self.on('send-now', self._send_now)
        self.on('edit', self._edit)
        self.on('cancel', self._cancel)

    async def show_channel(self, channel_id: int | None) -> None:
        """Follow another conversation (None: none may be read now)."""
        self.channel_id = channel_id
        await self.refresh()

    async def refresh(self) -> None:
        self._generation += 1
        generation, channel_id = self._generation, self.channel_id
        rows: tuple[dict[str, Any], ...] = ()
        if channel_id is not None:
            try:
                views = await off_loop(
                    scheduled_actions.scheduled_messages, self.user_id, self.workspace_id, channel_id
                )
            except (ActionError, DatabaseUnavailable):
                views = []
            rows = tuple(row_json(view) for view in views)
        if generation != self._generation or self.is_deleted:
            return  # a newer refresh (another change, or a switch) sets the rows
        self.props['rows'] = rows
        self.update()

    async def _on_event(self, event: Event) -> None:
        mine = isinstance(event, ScheduledChanged) and event.workspace_id == self.workspace_id
        if mine and isinstance(event, ScheduledChanged) and event.channel_id == self.channel_id:
            await self.refresh()

    async def _send_now(self, e: GenericEventArguments) -> None:
        scheduled_id = id_arg(e)
        if scheduled_id is not None:
            await attempt(self.user_id, scheduled_actions.send_scheduled_now, scheduled_id)

    async def _edit(self, e: GenericEventArguments) -> None:
        scheduled_id, post_at = id_arg(e), post_at_arg(e)
        if scheduled_id is None or post_at is None:
            ui.notify('Pick a date and time to send it at.', type='warning')
            return
        await attempt(
            self.user_id, scheduled_actions.edit_scheduled_message, scheduled_id, text_arg(e, 'body'), post_at
        )

    async def _cancel(self, e: GenericEventArguments) -> None:
        scheduled_id = id_arg(e)
        if scheduled_id is not None:
            await attempt(self.user_id, scheduled_actions.cancel_scheduled_message, scheduled_id)
