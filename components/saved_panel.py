"""The saved-items panel ("save for later"): this person's saved messages in the workspace, newest first.

Built the first time it opens (most tabs never do). While open it refills from the database whenever the
shell hears `SavedChanged` or a membership change on the person's own topic, so every tab of theirs follows
and a channel they lost drops out at once (the query filters by the read rule). Text shows escaped (rule 6).
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from components.messenger import attempt
from components.shell_context import ShellContext
from db.pin_queries import SavedMessage, saved_messages
from state.actions import saved as saved_actions

PREVIEW_CHARS = 300


class SavedPanel:
    def __init__(
        self, ctx: ShellContext, *, on_open: Callable[[SavedMessage], None], on_close: Callable[[], None]
    ) -> None:
        self.ctx = ctx
        self.on_open = on_open
        with ui.element('div').classes('chat-thread').props('data-testid=saved-panel') as self.root:
            with ui.element('div').classes('chat-header'):
                ui.label('Saved for later').classes('chat-header__name')
                ui.space()
                ui.button(icon='close', on_click=on_close).props('flat round dense data-testid=saved-close')
            self.list = ui.column().classes('w-full gap-0 p-2 overflow-y-auto grow').props('data-testid=saved-list')
        self.root.set_visibility(False)

    @property
    def is_open(self) -> bool:
        return self.root.visible

    def open(self) -> None:
        self.root.set_visibility(True)
        self.refresh()

    def close(self) -> None:
        self.root.set_visibility(False)
        self.list.clear()

    def refresh(self) -> None:
        if not self.is_open:
            return
        items = saved_messages(self.ctx.user_id, self.ctx.workspace_id)
        self.list.clear()
        with self.list:
            if not items:
                ui.label('Nothing saved. Save a message with its 🔖 action to find it here.').classes(
                    'text-gray-500 p-2'
                )
            for item in items:
                self._row(item)

    def _row(self, item: SavedMessage) -> None:
        message, done = item.message, item.done_at is not None
        where = f'#{item.channel.name}' if item.channel.name else 'Direct message'
        row = ui.row().classes('w-full items-start no-wrap border-b p-2 gap-2')
        row.props(f'data-testid=saved-item data-message-id={message.id} data-done={"true" if done else "false"}')
        with row:
            with ui.column().classes('gap-0 grow min-w-0 cursor-pointer') as text:
                ui.label(f'{where} · {message.author_name}').classes('text-xs text-gray-500')
                body = ui.label(message.body[:PREVIEW_CHARS]).classes('text-sm whitespace-pre-wrap break-words')
                if done:
                    body.classes('line-through text-gray-500')
            text.on('click', lambda _, it=item: self.on_open(it))
            label = 'Not done' if done else 'Done'
            ui.button(label, on_click=lambda _, mid=message.id, d=not done: self._done(mid, d)).props(
                'flat dense no-caps data-testid=saved-done'
            )
            ui.button(icon='close', on_click=lambda _, mid=message.id: self._remove(mid)).props(
                'flat dense round size=sm data-testid=saved-remove title="Remove from saved"'
            )

    async def _done(self, message_id: int, done: bool) -> None:
        await attempt(self.ctx.user_id, saved_actions.set_saved_done, message_id, done)

    async def _remove(self, message_id: int) -> None:
        await attempt(self.ctx.user_id, saved_actions.unsave_message, message_id)
