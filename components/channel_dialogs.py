"""Dialogs of the shell: create a channel, browse and join public channels, start a DM or group DM, and edit a
channel's topic, purpose and name."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from components.shell_context import ShellContext
from db.directory_queries import public_channels
from state.actions import channels as channel_actions
from state.errors import ActionError

MAX_GROUP_OTHERS = 8


def create_channel_dialog(ctx: ShellContext, on_created: Callable[[int], object]) -> None:
    with ui.dialog() as dialog, ui.card().classes('w-96').props('data-testid=create-channel-dialog'):
        ui.label('Create a channel').classes('text-lg font-bold')
        name = ui.input('Name', placeholder='e.g. plan-budget').props('autofocus data-testid=channel-name-input')
        name.classes('w-full')
        ui.label('Lowercase letters, numbers, hyphens and underscores.').classes('text-xs text-gray-500')
        topic = ui.input('Topic (optional)').classes('w-full').props('data-testid=channel-topic-input')
        private = ui.switch('Private: only invited people can see it').props('data-testid=channel-private')
        error = ui.label('').classes('text-red-700 text-sm').props('data-testid=dialog-error')

        def create() -> None:
            try:
                channel = channel_actions.create_channel(
                    ctx.user_id,
                    ctx.workspace_id,
                    name.value or '',
                    private=bool(private.value),
                    topic=topic.value or '',
                )
            except ActionError as failure:
                error.text = failure.message
                return
            dialog.close()
            on_created(channel.id)

        name.on('keydown.enter', create)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Create', on_click=create).props('unelevated color=green-8 data-testid=channel-create-submit')
    dialog.open()


def browse_channels_dialog(ctx: ShellContext, on_open: Callable[[int], object]) -> None:
    channels = public_channels(ctx.workspace_id, ctx.user_id)
    with ui.dialog() as dialog, ui.card().classes('w-[32rem] max-w-full').props('data-testid=channel-browser'):
        ui.label('Browse channels').classes('text-lg font-bold')
        search = ui.input(placeholder='Search by name or topic').classes('w-full').props('clearable autofocus')
        results = ui.column().classes('w-full gap-1 max-h-96 overflow-y-auto')

        def show() -> None:
            needle = (search.value or '').lower()
            results.clear()
            with results:
                shown = [c for c in channels if needle in c.name or needle in c.topic.lower()]
                if not shown:
                    ui.label('No channels match.').classes('text-gray-500')
                for channel in shown:
                    with (
                        ui.row()
                        .classes('w-full items-center no-wrap')
                        .props(f'data-testid=browse-channel data-channel="{channel.name}"')
                    ):
                        with ui.column().classes('gap-0 grow min-w-0'):
                            ui.label(f'#{channel.name}' + (' (archived)' if channel.archived else '')).classes(
                                'font-bold'
                            )
                            ui.label(f'{channel.member_count} members · {channel.topic}').classes(
                                'text-xs text-gray-500 truncate'
                            )
                        label = 'Open' if channel.is_member else 'View'
                        ui.button(label, on_click=lambda _, cid=channel.id: choose(cid)).props('flat dense')

        def choose(channel_id: int) -> None:
            dialog.close()
            on_open(channel_id)

        search.on_value_change(show)
        show()
    dialog.open()


def direct_message_dialog(ctx: ShellContext, on_open: Callable[[int], object]) -> None:
    others = {uid: name for uid, name in ctx.people.items() if uid != ctx.user_id}
    with ui.dialog() as dialog, ui.card().classes('w-96').props('data-testid=dm-dialog'):
        ui.label('New message').classes('text-lg font-bold')
        ui.label(f'Pick one person for a direct message, or up to {MAX_GROUP_OTHERS} for a group.').classes(
            'text-xs text-gray-500'
        )
        people = ui.select(others, multiple=True, with_input=True, label='To').classes('w-full')
        people.props('use-chips data-testid=dm-people')
        error = ui.label('').classes('text-red-700 text-sm').props('data-testid=dialog-error')

        def start() -> None:
            chosen = [int(uid) for uid in people.value or []]
            try:
                channel = channel_actions.open_direct(ctx.user_id, ctx.workspace_id, chosen)
            except ActionError as failure:
                error.text = failure.message
                return
            dialog.close()
            on_open(channel.id)

        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Start', on_click=start).props('unelevated color=green-8 data-testid=dm-start')
    dialog.open()


def topic_dialog(ctx: ShellContext, channel_id: int, current: str) -> None:
    with ui.dialog() as dialog, ui.card().classes('w-96'):
        ui.label('Edit topic').classes('text-lg font-bold')
        topic = ui.input('Topic', value=current).classes('w-full').props('autofocus data-testid=topic-input')
        error = ui.label('').classes('text-red-700 text-sm')

        def save() -> None:
            try:
                channel_actions.set_topic(ctx.user_id, channel_id, topic.value or '')
            except ActionError as failure:
                error.text = failure.message
                return
            dialog.close()

        topic.on('keydown.enter', save)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save', on_click=save).props('unelevated color=green-8 data-testid=topic-save')
    dialog.open()


def rename_dialog(ctx: ShellContext, channel_id: int, current: str) -> None:
    _one_field_dialog(
        'Rename channel',
        'Name',
        current,
        'rename',
        lambda text: channel_actions.rename_channel(ctx.user_id, channel_id, text),
    )


def purpose_dialog(ctx: ShellContext, channel_id: int, current: str) -> None:
    _one_field_dialog(
        'Edit description',
        'What is this channel about?',
        current,
        'purpose',
        lambda text: channel_actions.set_purpose(ctx.user_id, channel_id, text),
    )


def _one_field_dialog(title: str, label: str, current: str, testid: str, save_with: Callable[[str], object]) -> None:
    """One text field and Save; a refusal shows its reason and keeps the dialog open."""
    with ui.dialog() as dialog, ui.card().classes('w-96'):
        ui.label(title).classes('text-lg font-bold')
        field = ui.input(label, value=current).classes('w-full').props(f'autofocus data-testid={testid}-input')
        error = ui.label('').classes('text-red-700 text-sm').props('data-testid=dialog-error')

        def save() -> None:
            try:
                save_with(field.value or '')
            except ActionError as failure:
                error.text = failure.message
                return
            dialog.close()

        field.on('keydown.enter', save)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save', on_click=save).props(f'unelevated color=green-8 data-testid={testid}-save')
    dialog.open()
