"""'A is typing' under the message list: mirrors typing events of one conversation, never the user's own."""

from __future__ import annotations

from nicegui import ui

from components.shell_context import ShellContext
from state.bus import Subscription, bus, typing_topic
from state.events import Event, TypingChanged
from state.stores import typing as typing_store


def typing_text(names: list[str]) -> str:
    if not names:
        return ''
    if len(names) == 1:
        return f'{names[0]} is typing…'
    if len(names) == 2:
        return f'{names[0]} and {names[1]} are typing…'
    return 'Several people are typing…'


class TypingLine:
    def __init__(self, ctx: ShellContext) -> None:
        self.ctx = ctx
        self.channel_id: int | None = None
        self.thread_root_id: int | None = None
        self._typers: dict[int, str] = {}
        self._announced = False  # whether this tab last told the store "typing" (so switching can say "stopped")
        self._subscription: Subscription | None = None
        self.label = ui.label('').classes('chat-typing').props('data-testid=typing-indicator aria-live=polite')
        self.label.mark('typing-indicator')

    def follow(self, channel_id: int, thread_root_id: int | None) -> None:
        if self._subscription is not None:
            self._subscription.cancel()
        if self.channel_id is not None and self._announced:
            self.announce(False)
        self.channel_id = channel_id
        self.thread_root_id = thread_root_id
        self._subscription = bus.subscribe(typing_topic(channel_id), self._on_event, owner=self.label)
        self._typers = {
            user_id: name
            for user_id, name in typing_store.typers(channel_id, thread_root_id)
            if user_id != self.ctx.user_id
        }
        self._render()

    def unfollow(self) -> None:
        if self._subscription is not None:
            self._subscription.cancel()
            self._subscription = None
        if self.channel_id is not None and self._announced:
            self.announce(False)
        self.channel_id = self.thread_root_id = None
        self._typers = {}
        self._render()

    def announce(self, typing: bool) -> None:
        """This user started or stopped typing here (the composer throttles how often)."""
        if self.channel_id is None:
            return
        self._announced = typing
        if typing:
            typing_store.typing_started(self.ctx.user_id, self.ctx.user_name, self.channel_id, self.thread_root_id)
        else:
            typing_store.typing_stopped(self.ctx.user_id, self.channel_id, self.thread_root_id)

    def _on_event(self, event: Event) -> None:
        if not isinstance(event, TypingChanged) or event.thread_root_id != self.thread_root_id:
            return
        if event.user_id == self.ctx.user_id:
            return
        if event.typing:
            self._typers[event.user_id] = event.user_name
        else:
            self._typers.pop(event.user_id, None)
        self._render()

    def _render(self) -> None:
        names = list(self._typers.values())
        self.label.text = typing_text(names)
        self.label.props(f'data-count={len(names)}')
