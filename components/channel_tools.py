"""The channel header's counters: members (opens the members dialog) and pins (opens the pinned list).

The pane owns one and forwards what concerns it: the channel it shows, members joining and leaving, and
`PinsChanged` (all on `channel:{id}`); the counts and any open dialog follow at once in every tab.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nicegui import ui

from components.channel_members import MembersDialog
from components.pinned_list import PinnedDialog
from components.shell_context import ShellContext
from db import authz
from db.channel_queries import channel_creator_id, channel_member_ids
from db.models import DIRECT_KINDS
from db.views import ChannelView


class ChannelTools:
    def __init__(self, ctx: ShellContext, *, on_open_message: Callable[[int], None]) -> None:
        self.ctx = ctx
        self.channel: ChannelView | None = None
        self.is_member = False
        self.member_ids: list[int] = []
        self.pinned: Sequence[int] = ()
        self.creator_id: int | None = None
        self.members_dialog = MembersDialog(ctx)
        self.pinned_dialog = PinnedDialog(ctx, on_open_message=on_open_message)
        with ui.row().classes('items-center gap-1 flex-none'):
            self.members_button = ui.button('', icon='person', on_click=self._open_members)
            self.members_button.props('flat dense no-caps data-testid=channel-members-button title="Members"')
            self.pins_button = ui.button('', icon='push_pin', on_click=self._open_pins)
            self.pins_button.props('flat dense no-caps data-testid=pinned-count title="Pinned messages"')

    def show(self, channel: ChannelView, *, is_member: bool, pinned: Sequence[int]) -> None:
        self.channel, self.is_member = channel, is_member
        self.member_ids = channel_member_ids(channel.id)
        self.creator_id = channel_creator_id(channel.id)
        self.members_button.set_visibility(channel.kind not in DIRECT_KINDS)
        self.members_dialog.close()
        self.pinned_dialog.close()
        self._counts_changed()
        self.pins_changed(pinned)

    def refresh_channel(self, channel: ChannelView, *, is_member: bool) -> None:
        """Archived, renamed or membership of this person changed: what the dialogs offer may differ."""
        self.channel, self.is_member = channel, is_member
        self._members_changed()

    def member_joined(self, user_id: int) -> None:
        if user_id not in self.member_ids:
            self.member_ids.append(user_id)
        self._members_changed()

    def member_left(self, user_id: int) -> None:
        if user_id in self.member_ids:
            self.member_ids.remove(user_id)
        self._members_changed()

    def pins_changed(self, message_ids: Sequence[int]) -> None:
        self.pinned = message_ids
        self.pins_button.text = str(len(message_ids))
        self.pins_button.props(f'data-count={len(message_ids)}')
        if self.pinned_dialog.is_open:
            self.pinned_dialog.render()

    # ---- what this person may do here -----------------------------------------------------------------------

    def _may_add(self) -> bool:
        channel = self.channel
        return channel is not None and self.is_member and not authz.is_read_only(channel)

    def _may_remove(self) -> bool:
        channel = self.channel
        if channel is None or channel.kind in DIRECT_KINDS or authz.is_general(channel.kind, channel.name):
            return False
        return self.ctx.is_admin or (self.is_member and self.creator_id == self.ctx.user_id)

    def _may_unpin(self) -> bool:
        channel = self.channel
        return channel is not None and self.is_member and not authz.is_read_only(channel)

    # ---- dialogs --------------------------------------------------------------------------------------------

    def _members_changed(self) -> None:
        self._counts_changed()
        if self.channel is not None:
            self.members_dialog.refresh(
                self.channel, self.member_ids, may_add=self._may_add(), may_remove=self._may_remove()
            )

    def _counts_changed(self) -> None:
        count = len(self.member_ids)
        self.members_button.text = str(count)
        self.members_button.props(f'data-count={count}')

    def _open_members(self) -> None:
        if self.channel is not None:
            self.members_dialog.open(
                self.channel, self.member_ids, may_add=self._may_add(), may_remove=self._may_remove()
            )

    def _open_pins(self) -> None:
        if self.channel is not None:
            self.pinned_dialog.open(self.channel, may_unpin=self._may_unpin())
