"""The channel's pinned messages, opened from the header's pin count; rebuilt while open on `PinsChanged`.

Message text shows as its source in a label (escaped, rule 6); "Open" shows the message in the channel.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from components.messenger import attempt
from components.shell_context import ShellContext
from db.pin_queries import pinned_messages
from db.views import ChannelView
from state.actions import pins as pin_actions

PREVIEW_CHARS = 300


class PinnedDialog:
    def __init__(self, ctx: ShellContext, *, on_open_message: Callable[[int], None]) -> None:
        self.ctx = ctx
        self.on_open_message = on_open_message
        self.channel: ChannelView | None = None
        self.may_unpin = False
        self.dialog: ui.dialog | None = None
        self.body: ui.column | None = None

    @property
    def is_open(self) -> bool:
        return self.dialog is not None and self.dialog.value

    def open(self, channel: ChannelView, *, may_unpin: bool) -> None:
        self.channel, self.may_unpin = channel, may_unpin
        if self.dialog is None:
            with ui.dialog() as self.dialog, ui.card().classes('w-[32rem] max-w-full'):
                ui.label('Pinned messages').classes('text-lg font-bold')
                self.body = ui.column().classes('w-full gap-2 max-h-96 overflow-y-auto')
                self.body.props('data-testid=pinned-list')
        self.render()
        self.dialog.open()

    def render(self) -> None:
        """Fill from the database (the truth); called on open and on every `PinsChanged` while open."""
        channel, body = self.channel, self.body
        if channel is None or body is None:
            return
        pins = pinned_messages(channel.id)
        body.clear()
        with body:
            if not pins:
                ui.label('Nothing is pinned here yet. Pin a message from its 📌 action.').classes('text-gray-500')
            for pin in pins:
                message = pin.message
                with (
                    ui.row()
                    .classes('w-full items-start no-wrap border-b pb-2')
                    .props(f'data-testid=pinned-item data-message-id={message.id}')
                ):
                    with ui.column().classes('gap-0 grow min-w-0'):
                        ui.label(message.author_name).classes('font-bold text-sm')
                        ui.label(message.body[:PREVIEW_CHARS]).classes('text-sm whitespace-pre-wrap break-words')
                        by = self.ctx.people.get(pin.pinned_by, 'someone') if pin.pinned_by else 'someone'
                        ui.label(f'Pinned by {by} · {pin.pinned_at:%b %d %H:%M}').classes('text-xs text-gray-500')
                    ui.button('Open', on_click=lambda _, mid=message.id: self._open(mid)).props('flat dense no-caps')
                    if self.may_unpin:
                        ui.button('Unpin', on_click=lambda _, mid=message.id: self._unpin(mid)).props(
                            'flat dense no-caps color=red-8 data-testid=unpin'
                        )

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()

    def _open(self, message_id: int) -> None:
        self.close()
        self.on_open_message(message_id)

    async def _unpin(self, message_id: int) -> None:
        await attempt(self.ctx.user_id, pin_actions.unpin_message, message_id)
