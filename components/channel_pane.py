"""The middle column of the shell: header, message list, typing line and composer for one conversation.

The pane follows one channel at a time; switching channels swaps its bus subscription and resets the list,
it never rebuilds the page. All live updates arrive as bus events on `channel:{id}` and become list deltas.

Access is checked on every event the tab sends, not only when the channel was opened: once the person may no
longer read the channel (they left a private one, or were removed), the pane lets go of it at once: the
subscription ends, the list and typing line empty, and `on_access_lost` tells the shell (rule: what a person
may no longer see stops at once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import background_tasks, ui
from nicegui.events import GenericEventArguments

from components.bookmark_bar import BookmarkBar
from components.channel_tools import ChannelTools
from components.conversation import Conversation
from components.event_args import event_args, id_arg, text_arg
from components.messenger import attempt
from components.scheduled_bar import post_at_arg
from components.shell_context import ShellContext
from db import channel_queries, paging
from db.bookmark_queries import channel_bookmarks
from db.errors import DatabaseUnavailable
from db.pin_queries import pinned_ids, saved_ids_in_channel
from state.access import readable_channel
from state.actions import channels as channel_actions
from state.actions import pins as pin_actions
from state.actions import reads as read_actions
from state.actions import saved as saved_actions
from state.actions import scheduled as scheduled_actions
from state.actions import slash_commands
from state.blocking import off_loop
from state.bus import Subscription, bus, channel_topic
from state.errors import ActionError
from state.events import (
    BookmarksChanged,
    ChannelView,
    Event,
    MemberJoined,
    MemberLeft,
    MessageCreated,
    MessageDeleted,
    PinsChanged,
    ReadPositionMoved,
    ThreadReplied,
)

PAGE_SIZE = 50


class ChannelPane:
    def __init__(
        self,
        ctx: ShellContext,
        *,
        on_open_thread: Callable[[int, int], None],
        channel_names: Callable[[], list[tuple[int, str]]],
        on_access_lost: Callable[[], None],
    ) -> None:
        self.ctx = ctx
        self.on_open_thread = on_open_thread
        self.on_access_lost = on_access_lost
        self.channel: ChannelView | None = None
        self.label = ''
        self.is_member = False
        self._subscription: Subscription | None = None
        with ui.element('div').classes('chat-main') as self.root:
            with ui.element('div').classes('chat-header').props('data-testid=channel-header'):
                self.header_start = ui.row().classes('items-center gap-0 flex-none')  # the shell's menu toggle
                self.header_slot = ui.row().classes('items-center gap-2 min-w-0 flex-nowrap grow')
                self.tools = ChannelTools(ctx, on_open_message=self._open_message)  # members and pins
                self.header_end = ui.row().classes('items-center gap-0 flex-none')  # the shell's channel menu
            self.bookmarks = BookmarkBar()
            self.conversation = Conversation(
                ctx, mode='channel', drop_zone=self.root, on_send=self._send, channels=channel_names()
            )
            self.join_bar = ui.element('div').classes('chat-composer__readonly')  # in the composer's place
            self.join_bar.set_visibility(False)
        self.list = self.conversation.list
        self.composer = self.conversation.composer
        self.messenger = self.conversation.messenger
        self.list.on('load-older', self._load_older)
        self.list.on('load-newer', self._load_newer)
        self.list.on('jump-latest', lambda _: self._jump_latest())
        self.list.on('read', self._read)
        self.list.on('open-thread', self._open_thread_event)
        self.list.on('mark-unread', self._mark_unread)
        self.list.on('permalink', self._permalink)
        self.list.on('pin', self._pin)
        self.list.on('save', self._save)
        self.composer.on('edit-last', lambda _: self._edit_last())
        self.composer.on('schedule', self._schedule)

    # ---- switching ------------------------------------------------------------------------------------------

    def show(self, channel: ChannelView, *, is_member: bool, label: str, highlight_id: int | None = None) -> None:
        if self._subscription is not None:
            self._subscription.cancel()
        self.channel = channel
        self.is_member = is_member
        self._subscription = bus.subscribe(channel_topic(channel.id), self._on_event, owner=self.root)
        self.list.configure(
            link_base=self.ctx.channel_url(channel.id),
            outbox_key=self.ctx.outbox_key(channel.id),
            read_only=channel.archived or not is_member,
        )
        self._render_header(label)
        self.bookmarks.show(channel_bookmarks(channel.id))
        pinned = pinned_ids(channel.id)
        self.tools.show(channel, is_member=is_member, pinned=pinned)
        self.conversation.follow(channel.id, None)
        self._follow_scheduled(channel.id)
        self._configure_composer(label)
        if highlight_id is not None:
            self._reset_around(highlight_id)
        else:
            self._reset_latest(scroll_to_unread=True)
        self.list.receipts(channel_queries.read_receipts(channel.id))
        self.list.marks(pinned=pinned, saved=saved_ids_in_channel(self.ctx.user_id, channel.id))

    def _configure_composer(self, label: str) -> None:
        channel = self.channel
        assert channel is not None
        self.join_bar.clear()
        show_join = not self.is_member and not channel.archived
        self.join_bar.set_visibility(show_join)
        if show_join:
            with self.join_bar:
                ui.label(f'You are viewing {label}.')
                ui.button('Join channel', on_click=self._join).props(
                    'unelevated color=green-8 data-testid=join-channel'
                )
        self.composer.set_visibility(not show_join)
        placeholder = f'Message {label}'
        self.composer.configure(
            draft_key=f'{self.ctx.workspace_id}:{channel.id}',
            outbox_key=self.ctx.outbox_key(channel.id),
            placeholder=placeholder,
            read_only=channel.archived,
        )

    def _render_header(self, label: str) -> None:
        channel = self.channel
        assert channel is not None
        self.label = label
        self.header_slot.clear()
        with self.header_slot:
            ui.label(label).classes('chat-header__name').props('data-testid=channel-name')
            if channel.archived:
                ui.badge('archived', color='grey-7').props('data-testid=channel-archived')
            ui.label(channel.topic).classes('chat-header__topic').props('data-testid=channel-topic')
            if channel.purpose:
                purpose = ui.label(channel.purpose).classes('chat-header__topic')
                purpose.props('data-testid=channel-purpose')

    def refresh_channel(self, channel: ChannelView, label: str) -> None:
        """Name, topic or archived flag changed while the pane shows it."""
        self.channel = channel
        self._render_header(label)
        self.list.set_read_only(channel.archived or not self.is_member)
        self._configure_composer(label)
        self.tools.refresh_channel(channel, is_member=self.is_member)

    def catch_up(self) -> None:
        """After a reconnect: fetch what this tab may have missed (rule 4: the database is the truth)."""
        if not self._still_readable():
            return
        assert self.channel is not None
        newest = self.list.newest_id
        missed = paging.messages_after(self.channel.id, newest, limit=PAGE_SIZE + 1)
        if len(missed) > PAGE_SIZE:
            self._reset_latest()
        elif missed:
            self.list.extend(missed, has_more=False)
        self.list.receipts(channel_queries.read_receipts(self.channel.id))
        self.bookmarks.show(channel_bookmarks(self.channel.id))
        self.tools.show(self.channel, is_member=self.is_member, pinned=pinned_ids(self.channel.id))
        self.saved_changed()
        self.list.marks(pinned=self.tools.pinned)
        self.list.read_position(channel_queries.last_read_id(self.channel.id, self.ctx.user_id))
        self._follow_scheduled(self.channel.id)  # a message sent or failed while the socket was down

    # ---- access ---------------------------------------------------------------------------------------------

    def _still_readable(self) -> bool:
        """Whether the shown channel may still be read by this person; if not, let go of it now."""
        if self.channel is None:
            return False
        access = readable_channel(self.ctx.user_id, self.ctx.workspace_id, self.channel.id)
        if access is None:
            self._let_go()
            return False
        if self.is_member and not access.is_member:  # left a public channel: it stays open as a preview
            self.is_member = False
            self.list.set_read_only(True)
            self._configure_composer(self.label)
            self.tools.refresh_channel(self.channel, is_member=False)
        return True

    def _let_go(self) -> None:
        if self._subscription is not None:
            self._subscription.cancel()
            self._subscription = None
        self.channel = None
        self.is_member = False
        self.label = ''
        self.list.reset([], has_more_before=False)
        self.bookmarks.show(())
        self.tools.members_dialog.close()
        self.tools.pinned_dialog.close()
        self.list.marks(pinned=(), saved=())
        self.conversation.unfollow()
        self._follow_scheduled(None)
        self.on_access_lost()

    # ---- loading --------------------------------------------------------------------------------------------

    def _reset_latest(self, *, scroll_to_unread: bool = False) -> None:
        channel = self.channel
        assert channel is not None
        messages = paging.latest_messages(channel.id, limit=PAGE_SIZE)
        self.list.reset(
            messages,
            has_more_before=len(messages) >= PAGE_SIZE,
            last_read_id=channel_queries.last_read_id(channel.id, self.ctx.user_id),
            scroll_to_unread=scroll_to_unread,
        )

    def _reset_around(self, message_id: int) -> None:
        channel = self.channel
        assert channel is not None
        around = paging.messages_around(channel.id, message_id, before=PAGE_SIZE // 2, after=PAGE_SIZE // 2)
        newest = paging.latest_messages(channel.id, limit=1)
        has_more_after = bool(around and newest and newest[-1].id > around[-1].id)
        self.list.reset(
            around,
            has_more_before=len(around) > 0,
            has_more_after=has_more_after,
            last_read_id=channel_queries.last_read_id(channel.id, self.ctx.user_id),
            highlight_id=message_id,
        )

    def _jump_latest(self) -> None:
        if self._still_readable():
            self._reset_latest()

    def _load_older(self, e: GenericEventArguments) -> None:
        before_id = id_arg(e, 'before_id')
        if before_id is None or not self._still_readable():
            return
        assert self.channel is not None
        older = paging.messages_before(self.channel.id, before_id, limit=PAGE_SIZE)
        self.list.prepend(older, has_more=len(older) >= PAGE_SIZE)

    def _load_newer(self, e: GenericEventArguments) -> None:
        after_id = id_arg(e, 'after_id')
        if after_id is None or not self._still_readable():
            return
        assert self.channel is not None
        newer = paging.messages_after(self.channel.id, after_id, limit=PAGE_SIZE)
        self.list.extend(newer, has_more=len(newer) >= PAGE_SIZE)

    # ---- live events ----------------------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, MemberLeft):
            if event.user_id == self.ctx.user_id:
                self._still_readable()  # they left (or were removed): a private channel closes here and now
            if self.channel is not None:
                self.tools.member_left(event.user_id)
        elif isinstance(event, MemberJoined):
            self.tools.member_joined(event.user.id)
        elif isinstance(event, PinsChanged):
            self.tools.pins_changed(event.message_ids)
            self.list.marks(pinned=event.message_ids)
        elif isinstance(event, MessageCreated):
            if event.message.thread_root_id is None or event.message.also_in_channel:
                self.list.append(event.message)
        elif isinstance(event, MessageDeleted):
            if event.thread_root_id is None:
                self.list.remove_message(event.message_id)
        elif isinstance(event, ThreadReplied):
            self.list.thread_summary(
                event.root_id, event.reply_count, event.last_reply_at.isoformat(), event.reply_user_ids
            )
        elif isinstance(event, BookmarksChanged):
            self.bookmarks.show(event.bookmarks)
        elif isinstance(event, ReadPositionMoved):
            if event.user_id != self.ctx.user_id:
                self.list.receipt(event.user_id, event.last_read_message_id)
        else:
            self.conversation.show_change(event)

    # ---- user intentions ------------------------------------------------------------------------------------

    async def _send(self, e: GenericEventArguments) -> None:
        # The outbox names the conversation a send was typed in: a resend that arrives after a switch waits for
        # its own conversation to open again instead of landing in this one.
        if self.channel is not None and text_arg(e, 'outbox_key') == self.ctx.outbox_key(self.channel.id):
            body, client_msg_id = text_arg(e, 'body'), text_arg(e, 'client_msg_id')
            await self.messenger.send(self.channel.id, body, client_msg_id)

    async def _schedule(self, e: GenericEventArguments) -> None:
        body, post_at = text_arg(e, 'body'), post_at_arg(e)
        if not self._still_readable() or self.channel is None:
            self.composer.restore(body, 'This conversation is no longer open.')
            return
        if post_at is None:
            self.composer.restore(body, 'Pick a date and time to send it at.')
            return
        if slash_commands.is_command(body):
            self.composer.restore(body, 'Commands run at once; they cannot be scheduled.')
            return
        try:
            await off_loop(scheduled_actions.schedule_message, self.ctx.user_id, self.channel.id, body, post_at)
        except ActionError as error:
            self.composer.restore(body, error.message)
        except DatabaseUnavailable as error:
            self.composer.restore(body, str(error))
        # the list above the composer follows through ScheduledChanged, in every tab of the person

    def _follow_scheduled(self, channel_id: int | None) -> None:
        bar = self.conversation.scheduled
        if bar is not None:
            background_tasks.create(bar.show_channel(channel_id), name='scheduled list')

    async def _read(self, e: GenericEventArguments) -> None:
        last_id = id_arg(e, 'last_id')
        if last_id is not None and self._still_readable() and self.channel is not None and self.is_member:
            await self._attempt(read_actions.mark_read, self.channel.id, last_id)

    async def _mark_unread(self, e: GenericEventArguments) -> None:
        message_id = id_arg(e)
        if self.channel is None or message_id is None:
            return
        await self._attempt(read_actions.mark_unread, self.channel.id, message_id)
        if self.channel is None:
            return  # switched away meanwhile
        self.list.read_position(channel_queries.last_read_id(self.channel.id, self.ctx.user_id))

    async def _join(self) -> None:
        if self.channel is None:
            return
        if await self._attempt(channel_actions.join_channel, self.channel.id) is not None:
            self.is_member = True
            self.list.set_read_only(self.channel.archived)
            self._configure_composer(self.label)
            self._reset_latest()  # a newcomer starts with nothing unread: no divider
            self.tools.refresh_channel(self.channel, is_member=True)

    def _edit_last(self) -> None:
        if not self._still_readable() or self.channel is None:
            return
        last = channel_queries.last_own_message_id(self.channel.id, self.ctx.user_id)
        if last is not None:
            self.list.start_edit(last)

    def _open_thread_event(self, e: GenericEventArguments) -> None:
        root_id = id_arg(e)
        if root_id is not None and self._still_readable() and self.channel is not None:
            self.on_open_thread(self.channel.id, root_id)

    def _permalink(self, e: GenericEventArguments) -> None:
        message_id = id_arg(e)
        if message_id is not None and self._still_readable() and self.channel is not None:
            ui.navigate.history.push(f'{self.ctx.channel_url(self.channel.id)}/m/{message_id}')
            self.list.highlight(message_id)

    def saved_changed(self) -> None:
        """This person saved or unsaved something (in any of their tabs): the row markers follow."""
        if self.channel is not None:
            self.list.marks(saved=saved_ids_in_channel(self.ctx.user_id, self.channel.id))

    async def _pin(self, e: GenericEventArguments) -> None:
        message_id = id_arg(e)
        if message_id is None or not self._still_readable():
            return
        pin = event_args(e).get('pin') is True  # the row says which way: a second tab may have seen it change
        await self._attempt(pin_actions.pin_message if pin else pin_actions.unpin_message, message_id)

    async def _save(self, e: GenericEventArguments) -> None:
        message_id = id_arg(e)
        if message_id is None or not self._still_readable():
            return
        save = event_args(e).get('save') is True
        await self._attempt(saved_actions.save_message if save else saved_actions.unsave_message, message_id)

    def _open_message(self, message_id: int) -> None:
        """From the pinned list: the channel around that message, as its permalink shows it."""
        if self._still_readable() and self.channel is not None:
            ui.navigate.history.push(f'{self.ctx.channel_url(self.channel.id)}/m/{message_id}')
            self._reset_around(message_id)

    async def _attempt(self, action: Callable[..., Any], *args: Any) -> Any:
        return await attempt(self.ctx.user_id, action, *args)
