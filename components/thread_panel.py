"""The thread side panel: the root message and its replies, live, with a composer ("also send to channel")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.events import GenericEventArguments

from components.attachments import AttachmentUploader
from components.composer import Composer
from components.event_args import id_arg
from components.message_list import MessageList
from components.messenger import Messenger, attempt
from components.shell_context import EMOJI_URL, ShellContext
from components.typing_line import TypingLine
from db import queries
from state.bus import Subscription, bus, thread_topic
from state.events import Event, MessageCreated, MessageDeleted, MessageUpdated, ReactionChanged


class ThreadPanel:
    def __init__(self, ctx: ShellContext, *, on_close: Callable[[], None]) -> None:
        self.ctx = ctx
        self.channel_id: int | None = None
        self.root_id: int | None = None
        self._subscription: Subscription | None = None
        with ui.element('div').classes('chat-thread').props('data-testid=thread-panel') as self.root:
            with ui.element('div').classes('chat-header'):
                ui.label('Thread').classes('chat-header__name')
                self.subtitle = ui.label('').classes('chat-header__topic')
                ui.space()
                ui.button(icon='close', on_click=on_close).props('flat round dense data-testid=thread-close')
            self.list = MessageList(
                me=ctx.user_id,
                mode='thread',
                people=ctx.roster.pairs,
                emoji_url=EMOJI_URL,
                can_moderate=ctx.is_admin,
                read_only=False,
                link_base='',
                start_text='',
            )
            self.typing = TypingLine(ctx)
            self.composer = Composer(
                draft_key='',
                placeholder='Reply…',
                max_chars=ctx.max_message_chars,
                members=ctx.roster.by_name,
                channels=[],
                emoji_url=EMOJI_URL,
                thread=True,
            )
            with self.composer:
                self.uploader = AttachmentUploader(
                    ctx.user_id, drop_zone=self.root, on_change=lambda: self.messenger.files_changed()
                )
        self.messenger = Messenger(ctx.user_id, self.list, self.composer, self.uploader)
        self.root.set_visibility(False)
        self.list.on('react', self._react)
        self.list.on('edit', self._edit)
        self.list.on('delete', self._delete)
        self.list.on('retry', self._send)
        self.list.on('copied', lambda _: ui.notify('Link copied'))
        self.composer.on('send', self._send)
        self.composer.on('typing', lambda e: self.typing.announce(bool(e.args['typing'])))

    @property
    def is_open(self) -> bool:
        return self.root_id is not None

    def open(self, channel_id: int, root_id: int, *, channel_label: str, read_only: bool) -> bool:
        """Show the thread of `root_id`; False when it is not a thread root of that channel."""
        found = queries.thread_messages(root_id)
        if found is None:
            return False
        root, replies = found
        if root.channel_id != channel_id or root.thread_root_id is not None:
            return False
        self.close()
        self.channel_id, self.root_id = channel_id, root_id
        self._subscription = bus.subscribe(thread_topic(root_id), self._on_event, owner=self.root)
        self.subtitle.text = channel_label
        self.list.configure(link_base=self.ctx.channel_url(channel_id), read_only=read_only)
        self.list.reset([root, *replies], has_more_before=False)
        self.typing.follow(channel_id, root_id)
        self.uploader.set_channel(channel_id)
        self.composer.configure(
            draft_key=f'{self.ctx.workspace_id}:{channel_id}:t{root_id}', placeholder='Reply…', read_only=read_only
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
            self.open(self.channel_id, self.root_id, channel_label=self.subtitle.text, read_only=False)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, MessageCreated):
            self.list.append(event.message)
        elif isinstance(event, MessageUpdated):
            self.list.update_message(event.message)
        elif isinstance(event, MessageDeleted):
            self.list.remove_message(event.message_id)  # the list keeps a deleted root as a placeholder
        elif isinstance(event, ReactionChanged):
            self.list.reaction(event.message_id, event.reaction)

    def _send(self, e: GenericEventArguments) -> None:
        if self.channel_id is None or self.root_id is None:
            return
        self.messenger.send(
            self.channel_id,
            str(e.args.get('body', '')),
            str(e.args.get('client_msg_id', '')),
            thread_root_id=self.root_id,
            also_in_channel=bool(e.args.get('also_in_channel', False)),
        )

    def _edit(self, e: GenericEventArguments) -> None:
        self.messenger.edit(id_arg(e), str(e.args.get('body', '')))

    def _delete(self, e: GenericEventArguments) -> None:
        self.messenger.delete(id_arg(e))

    def _react(self, e: GenericEventArguments) -> None:
        self.messenger.react(id_arg(e), str(e.args.get('emoji', '')))

    def _attempt(self, action: Callable[..., Any], *args: Any) -> Any:
        return attempt(self.ctx.user_id, action, *args)
