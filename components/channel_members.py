"""The channel's members dialog: who is in it with live presence, "Add people", and remove where allowed.

The dialog is built when opened and rebuilt while open whenever someone joins or leaves (the pane forwards
`MemberJoined`/`MemberLeft` of `channel:{id}`), so every open copy follows. What it offers follows the actions'
rules (any member adds; the creator while a member and workspace admins remove; never from #general); the
actions check them again (rule 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui

from components.messenger import attempt
from components.presence import PresenceDot
from components.shell_context import ShellContext
from db import authz
from db.views import ChannelView
from state.actions import channels as channel_actions


class MembersDialog:
    def __init__(self, ctx: ShellContext) -> None:
        self.ctx = ctx
        self.channel: ChannelView | None = None
        self.member_ids: Sequence[int] = ()
        self.may_remove = False
        self.may_add = False
        self.dialog: ui.dialog | None = None
        self.body: ui.column | None = None

    @property
    def is_open(self) -> bool:
        return self.dialog is not None and self.dialog.value

    def open(self, channel: ChannelView, member_ids: Sequence[int], *, may_add: bool, may_remove: bool) -> None:
        self.channel, self.member_ids, self.may_add, self.may_remove = channel, member_ids, may_add, may_remove
        if self.dialog is None:
            with ui.dialog() as self.dialog, ui.card().classes('w-[28rem] max-w-full'):
                self.title = ui.label('').classes('text-lg font-bold')
                self.body = ui.column().classes('w-full gap-2').props('data-testid=channel-members')
        self._render()
        self.dialog.open()

    def refresh(self, channel: ChannelView, member_ids: Sequence[int], *, may_add: bool, may_remove: bool) -> None:
        """The members changed (or the channel did): rebuild when shown, else nothing to do."""
        if self.is_open and self.channel is not None and channel.id == self.channel.id:
            self.channel, self.member_ids, self.may_add, self.may_remove = channel, member_ids, may_add, may_remove
            self._render()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()

    def _render(self) -> None:
        channel, body = self.channel, self.body
        if channel is None or body is None:
            return
        names = self.ctx.people
        self.title.text = f'{len(self.member_ids)} members in #{channel.name}'
        body.clear()
        with body:
            if self.may_add:
                self._add_row(channel.id)
            rows = sorted(self.member_ids, key=lambda uid: names.get(uid, '').lower())
            with ui.column().classes('w-full gap-0 max-h-96 overflow-y-auto'):
                for uid in rows:
                    self._member_row(channel, uid, names.get(uid, 'Someone'))

    def _add_row(self, channel_id: int) -> None:
        others = {uid: name for uid, name in self.ctx.people.items() if uid not in self.member_ids}
        with ui.row().classes('w-full items-center no-wrap'):
            pick = ui.select(others, multiple=True, with_input=True, label='Add people').classes('grow')
            pick.props('use-chips dense data-testid=add-members')
            ui.button('Add', on_click=lambda: self._add(channel_id, [int(uid) for uid in pick.value or []])).props(
                'unelevated color=green-8 data-testid=add-members-submit'
            )

    def _member_row(self, channel: ChannelView, user_id: int, name: str) -> None:
        with (
            ui.row()
            .classes('w-full items-center no-wrap px-1 py-1')
            .props(f'data-testid=channel-member data-user={user_id}')
        ):
            PresenceDot(user_id)
            ui.label(name + (' (you)' if user_id == self.ctx.user_id else '')).classes('grow truncate')
            if self.may_remove and user_id != self.ctx.user_id and not authz.is_general(channel.kind, channel.name):
                ui.button('Remove', on_click=lambda _, uid=user_id: self._remove(channel.id, uid)).props(
                    'flat dense color=red-8 no-caps data-testid=remove-member'
                )

    async def _add(self, channel_id: int, user_ids: list[int]) -> None:
        for uid in user_ids:
            await attempt(self.ctx.user_id, channel_actions.invite_to_channel, channel_id, uid)
        # the list itself follows through MemberJoined, as it does in everyone else's dialog

    async def _remove(self, channel_id: int, user_id: int) -> None:
        await attempt(self.ctx.user_id, channel_actions.remove_from_channel, channel_id, user_id)
