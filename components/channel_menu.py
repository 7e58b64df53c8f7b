"""The channel header's menu (⋮): how the open conversation notifies this person, and what they may do with it.

What the menu offers follows the rules in `db/authz.py` (#general can be neither left nor archived, archived
channels are read-only, owners and admins archive); the actions check the same rules again (rule 1), so the
menu only hides what would be refused. It is filled each time it opens: tabs that never open it hold no items.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from components.channel_dialogs import purpose_dialog, rename_dialog, topic_dialog
from components.channel_pane import ChannelPane
from components.commands_dialog import commands_dialog
from components.shell_context import ShellContext
from components.webhooks_dialog import webhooks_dialog
from db import authz
from db.channel_queries import channel_creator_id
from db.models import DIRECT_KINDS
from state.actions import channels as channel_actions
from state.errors import ActionError
from state.stores.sidebar import ChannelEntry, SidebarStore

NOTIFICATION_CHOICES = (
    ('all', 'Notify: every message'),
    ('mentions', 'Notify: mentions'),
    ('nothing', 'Notify: nothing'),
)


class ChannelMenu:
    def __init__(
        self, ctx: ShellContext, store: SidebarStore, pane: ChannelPane, *, on_changed: Callable[[int], object]
    ) -> None:
        self.ctx = ctx
        self.store = store
        self.pane = pane  # the conversation the menu is about is the one the pane shows when it opens
        self.on_changed = on_changed  # after leaving, archiving or unarchiving: the shell shows the channel again
        with ui.button(icon='more_vert').props('flat round dense data-testid=channel-menu'):
            self.menu = ui.menu().mark('channel-menu').on('before-show', self._fill)

    def _fill(self) -> None:
        self.menu.clear()
        view = self.pane.channel
        if view is None:
            return
        is_member = self.pane.is_member
        entry = self.store.entry(view.id)
        with self.menu:
            if entry is not None:
                self._notification_items(view.id, entry)
            if view.kind in DIRECT_KINDS:
                return
            if is_member and not authz.is_read_only(view):
                ui.menu_item('Edit topic', lambda: topic_dialog(self.ctx, view.id, view.topic))
                purpose = ui.menu_item('Edit description', lambda: purpose_dialog(self.ctx, view.id, view.purpose))
                purpose.props('data-testid=edit-purpose')
            if self._may_rename(view.id, is_member) and authz.may_leave(view.kind, view.name):
                rename = ui.menu_item('Rename channel', lambda: rename_dialog(self.ctx, view.id, view.name or ''))
                rename.props('data-testid=rename-channel')
            if is_member and authz.may_leave(view.kind, view.name):
                leave = ui.menu_item('Leave channel', lambda: self._run(channel_actions.leave_channel, view.id))
                leave.props('data-testid=leave-channel')
            if self.ctx.is_admin and not authz.is_read_only(view):
                hooks = ui.menu_item('Incoming webhooks…', lambda: webhooks_dialog(self.ctx, view.id, view.name or ''))
                hooks.props('data-testid=channel-webhooks')
            if self.ctx.is_admin:
                commands = ui.menu_item('Slash commands…', lambda: commands_dialog(self.ctx))
                commands.props('data-testid=channel-commands')
            if self.ctx.is_admin and authz.may_archive(view.kind, view.name):
                if view.archived:
                    item = ui.menu_item('Unarchive', lambda: self._run(channel_actions.unarchive_channel, view.id))
                    item.props('data-testid=unarchive-channel')
                else:
                    item = ui.menu_item('Archive', lambda: self._run(channel_actions.archive_channel, view.id))
                    item.props('data-testid=archive-channel')

    def _may_rename(self, channel_id: int, is_member: bool) -> bool:
        """The creator while a member, or a workspace admin (rename_channel checks it again); #general never."""
        view = self.pane.channel
        if view is None or authz.is_read_only(view):
            return False
        return self.ctx.is_admin or (is_member and channel_creator_id(channel_id) == self.ctx.user_id)

    def _notification_items(self, channel_id: int, entry: ChannelEntry) -> None:
        def choose(level: str, muted: bool) -> None:
            try:
                channel_actions.set_notifications(self.ctx.user_id, channel_id, level, muted)
            except ActionError as error:
                ui.notify(error.message, type='warning')

        for level, label in NOTIFICATION_CHOICES:
            mark = '✓ ' if entry.notification_level == level else '   '
            item = ui.menu_item(mark + label, lambda _, lv=level: choose(lv, entry.muted))
            item.props(f'data-testid=notify-{level}')
        mute = ui.menu_item(
            'Unmute' if entry.muted else 'Mute', lambda: choose(entry.notification_level, not entry.muted)
        )
        mute.props('data-testid=mute-channel')
        ui.separator()

    def _run(self, action: Callable[[int, int], object], channel_id: int) -> None:
        try:
            action(self.ctx.user_id, channel_id)
        except ActionError as error:
            ui.notify(error.message, type='warning')
            return
        self.on_changed(channel_id)
