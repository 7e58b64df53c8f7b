"""A person's profile card: picture, names, presence, their local time, title, pronouns, status, "Message".

Opened from a message's avatar or author, the people panel and the members lists. Whether the person is a
member of this workspace is asked again on every open (the id comes from the browser), and the card follows
`UserChanged` on the workspace topic while it is open, so a new picture or title shows at once.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from components.avatar import avatar_element
from components.presence import PresenceDot
from components.profile_edit import profile_edit_dialog
from components.shell_context import ShellContext
from db.directory_queries import Profile, workspace_profile
from state.bus import bus, workspace_topic
from state.events import Event, UserChanged
from state.render.emoji import emoji_for
from state.time_zones import local_time


class ProfileCard:
    def __init__(self, ctx: ShellContext, profile: Profile, on_message: Callable[[int], None]) -> None:
        self.ctx = ctx
        self.user_id = profile.id
        self.on_message = on_message
        with ui.dialog() as self.dialog, ui.card().classes('w-80 p-0 gap-0') as self.card:
            self.card.props(f'data-testid=profile-card data-user={profile.id}')
            self.body = ui.column().classes('w-full p-4 gap-2')
        self._fill(profile)
        bus.subscribe(workspace_topic(ctx.workspace_id), self._on_event, owner=self.card)
        self.dialog.on('hide', self.dialog.delete)
        self.dialog.open()

    def _on_event(self, event: Event) -> None:
        if not isinstance(event, UserChanged) or event.user.id != self.user_id:
            return
        profile = workspace_profile(self.ctx.workspace_id, self.user_id, self.ctx.user_id)
        if profile is None:
            self.dialog.close()
            return
        self._fill(profile)

    def _fill(self, profile: Profile) -> None:
        self.body.clear()
        with self.body:
            avatar_element(profile.id, profile.display_name, profile.avatar_version).classes('self-center')
            with ui.row().classes('items-center gap-2 no-wrap'):
                PresenceDot(profile.id)
                ui.label(profile.display_name).classes('text-lg font-bold').props('data-testid=profile-name')
                if profile.pronouns:
                    ui.label(profile.pronouns).classes('text-sm text-gray-500').props('data-testid=profile-pronouns')
            if profile.full_name and profile.full_name != profile.display_name:
                ui.label(profile.full_name).classes('text-sm').props('data-testid=profile-full-name')
            if profile.title:
                ui.label(profile.title).classes('text-sm text-gray-700').props('data-testid=profile-title')
            status = ' '.join(filter(None, [emoji_for(profile.status_emoji) or '', profile.status_text]))
            if status:
                ui.label(status).classes('text-sm').props('data-testid=profile-status')
            ui.label(_local_time_text(profile.time_zone)).classes('text-xs text-gray-500').props(
                'data-testid=profile-local-time'
            )
            with ui.row().classes('w-full justify-end'):
                if profile.id == self.ctx.user_id:
                    ui.button('Edit profile', on_click=self._edit_own).props(
                        'flat no-caps data-testid=profile-card-edit'
                    )
                else:
                    ui.button('Message', icon='chat', on_click=self._message).props(
                        'unelevated no-caps color=green-8 data-testid=profile-message'
                    )

    def _message(self) -> None:
        self.dialog.close()
        self.on_message(self.user_id)

    def _edit_own(self) -> None:
        self.dialog.close()
        profile_edit_dialog(self.ctx)


def _local_time_text(time_zone: str) -> str:
    if not time_zone:
        return 'Local time unknown'
    return f'{local_time(time_zone):%H:%M} local time ({time_zone})'


def open_profile_card(ctx: ShellContext, user_id: int | None, on_message: Callable[[int], None]) -> None:
    """Show the card of a member of this workspace; anyone else (a forged id, someone who left) is not shown."""
    profile = workspace_profile(ctx.workspace_id, user_id, ctx.user_id) if user_id is not None else None
    if profile is None:
        ui.notify('That person is not in this workspace.', type='warning')
        return
    ProfileCard(ctx, profile, on_message)
