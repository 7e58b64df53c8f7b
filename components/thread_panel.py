"""The thread side panel: the root message and its replies, live, with a composer ("also send to channel")."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.events import GenericEventArguments

from components.conversation import Conversation
from components.event_args import flag_arg, text_arg
from components.shell_context import ShellContext
from db import paging
from state.bus import Subscription, bus, thread_topic
from state.events import Event, MessageCreated, MessageDeleted


class ThreadPanel:
    def __init__(self, ctx: ShellContext, *, on_close: Callable[[], None]) -> None:
        self.ctx = ctx
        self.channel_id: int | None = None
        self.root_id: int | None = None
        self.read_only = False  # as the thread was opened: a reconnect reopens it the same way
        self._subscription: Subscription | None = None
        with ui.element('div').classes('chat-thread').props('data-testid=thread-panel') as self.root:
            with ui.element('div').classes('chat-header'):
                ui.label('Thread').classes('chat-header__name')
                self.subtitle = ui.label('').classes('chat-header__topic')
                ui.space()
                ui.button(icon='close', on_click=on_close).props('flat round dense data-testid=thread-close')
            self.conversation = Conversation(
                ctx, mode='thread', drop_zone=self.root, on_send=self._send, placeholder='Reply…', start_text=''
            )
        self.list = self.conversation.list
        self.composer = self.conversation.composer
        self.messenger = self.conversation.messenger
        self.root.set_visibility(False)

    @property
    def is_open(self) -> bool:
        return self.root_id is not None

    def open(self, channel_id: int, root_id: int, *, channel_label: str, read_only: bool) -> bool:
        """Show the thread of `root_id`; False when it is not a thread root of that channel."""
        found = paging.thread_messages(root_id)
        if found is None:
            return False
        root, replies = found
        if root.channel_id != channel_id or root.thread_root_id is not None:
            return False
        self.close()
        self.channel_id, self.root_id = channel_id, root_id
        self.read_only = read_only
        self._subscription = bus.subscribe(thread_topic(root_id), self._on_event, owner=self.root)
        self.subtitle.text = channel_label
        self.list.configure(
            link_base=self.ctx.channel_url(channel_id),
            outbox_key=self.ctx.outbox_key(channel_id, root_id),
            read_only=read_only,
        )
        self.list.reset([root, *replies], has_more_before=False)
        self.conversation.follow(channel_id, root_id)
        self.composer.configure(
            draft_key=f'{self.ctx.workspace_id}:{channel_id}:t{root_id}',
            outbox_key=self.ctx.outbox_key(channel_id, root_id),
            placeholder='Reply…',
            read_only=read_only,
        )
        self.root.set_visibility(True)
        return True

    def close(self) -> None:
        if self._subscription is not None:
            self._subscription.cancel()
            self._subscription = None
        self.root_id = None
        self.root.set_visibility(False)

    def catch_up(self) -> None:
        if self.channel_id is not None and self.root_id is not None:
            self.open(self.channel_id, self.root_id, channel_label=self.subtitle.text, read_only=self.read_only)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, MessageCreated):
            self.list.append(event.message)
        elif isinstance(event, MessageDeleted):
            self.list.remove_message(event.message_id)  # the list keeps a deleted root as a placeholder
        else:
            self.conversation.show_change(event)

    async def _send(self, e: GenericEventArguments) -> None:
        if self.channel_id is None or self.root_id is None:
            return
        if text_arg(e, 'outbox_key') != self.ctx.outbox_key(self.channel_id, self.root_id):
            return  # typed in another thread: it is sent again when that one opens (see ChannelPane._send)
        await self.messenger.send(
            self.channel_id,
            text_arg(e, 'body'),
            text_arg(e, 'client_msg_id'),
            thread_root_id=self.root_id,
            also_in_channel=flag_arg(e, 'also_in_channel'),
        )
