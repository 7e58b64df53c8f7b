"""What a channel pane and a thread panel share: a message list, the typing line and a composer with its
uploader, plus the messenger that sends, edits, deletes and reacts through them.

The owner decides what sending means (a channel message or a thread reply) through `on_send`, and points the
conversation at a channel with `follow`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from nicegui import ui
from nicegui.events import GenericEventArguments

from components.attachments import AttachmentUploader
from components.composer import Composer
from components.event_args import flag_arg, id_arg, text_arg
from components.message_list import MessageList
from components.messenger import Messenger
from components.scheduled_bar import ScheduledBar
from components.shell_context import EMOJI_URL, ShellContext
from components.typing_line import TypingLine
from state.events import Event, MessageUpdated, ReactionChanged


class Conversation:
    def __init__(
        self,
        ctx: ShellContext,
        *,
        mode: str,
        drop_zone: ui.element,
        on_send: Callable[[GenericEventArguments], Awaitable[None]],
        placeholder: str = '',
        channels: Sequence[tuple[int, str]] = (),
        start_text: str = 'This is the very beginning of the conversation.',
    ) -> None:
        self.list = MessageList(
            me=ctx.user_id,
            mode=mode,
            people=ctx.people_pairs,
            emoji_url=EMOJI_URL,
            can_moderate=ctx.is_admin,
            read_only=False,
            link_base='',
            start_text=start_text,
        )
        self.typing = TypingLine(ctx)
        # Scheduling is offered for channel messages (the thread panel's composer has no clock button).
        self.scheduled = ScheduledBar(ctx.user_id, ctx.workspace_id) if mode == 'channel' else None
        self.composer = Composer(
            draft_key='',
            placeholder=placeholder,
            max_chars=ctx.max_message_chars,
            members=ctx.mention_people,
            channels=channels,
            emoji_url=EMOJI_URL,
            thread=mode == 'thread',
            schedulable=self.scheduled is not None,
        )
        with self.composer:
            self.uploader = AttachmentUploader(
                ctx.user_id, drop_zone=drop_zone, on_change=lambda: self.messenger.files_changed()
            )
        self.messenger = Messenger(ctx.user_id, ctx.workspace_id, self.list, self.composer, self.uploader)
        self.list.on('react', lambda e: self.messenger.react(id_arg(e), text_arg(e, 'emoji')))
        self.list.on('edit', lambda e: self.messenger.edit(id_arg(e), text_arg(e, 'body')))
        self.list.on('delete', lambda e: self.messenger.delete(id_arg(e)))
        self.list.on('retry', on_send)
        self.list.on('copied', lambda _: ui.notify('Link copied'))
        self.composer.on('send', on_send)
        self.composer.on('typing', lambda e: self.typing.announce(flag_arg(e, 'typing')))

    def show_change(self, event: Event) -> None:
        """Edits and reactions of messages on screen look the same in a channel and in a thread (the list ignores
        ids it does not hold); new and deleted messages are the owner's, who knows which belong there."""
        if isinstance(event, MessageUpdated):
            self.list.update_message(event.message)
        elif isinstance(event, ReactionChanged):
            self.list.reaction(event.message_id, event.reaction)

    def follow(self, channel_id: int, thread_root_id: int | None) -> None:
        """Typing and uploads now belong to this channel (and thread)."""
        self.typing.follow(channel_id, thread_root_id)
        self.uploader.set_channel(channel_id)

    def unfollow(self) -> None:
        """The conversation may no longer be read: no typing line, no announcements, no uploads there."""
        self.typing.unfollow()
        self.uploader.set_channel(None)
