"""The channel menu's "Slash commands" dialog: the workspace's custom commands, a new one, its secret shown once.

Commands belong to the workspace (they work in every conversation), so the dialog lists all of them wherever it
is opened. Owners and admins only; the actions check that again.
"""

from __future__ import annotations

from nicegui import background_tasks, ui

from components.shell_context import ShellContext
from state.actions import custom_commands as command_actions
from state.blocking import off_loop
from state.errors import ActionError


def commands_dialog(ctx: ShellContext) -> None:
    ip = ui.context.client.ip  # this tab's address, for the audit log
    with ui.dialog() as dialog, ui.card().classes('w-[36rem]').props('data-testid=commands-dialog'):
        ui.label('Slash commands').classes('text-lg font-bold')
        ui.label(
            "Typing a command POSTs Slack's signed slash-command payload to its URL; the answer shows here."
        ).classes('text-sm text-gray-600')
        listing = ui.column().classes('w-full gap-1')
        error = ui.label('').classes('text-red-700 text-sm')
        shown = ui.column().classes('w-full')

        async def refresh() -> None:
            try:
                commands = await off_loop(command_actions.workspace_commands, ctx.user_id, ctx.workspace_id)
            except ActionError as failure:
                error.text = failure.message
                return
            listing.clear()
            with listing:
                if not commands:
                    ui.label('No commands yet.').classes('text-sm text-gray-500')
                for command in commands:
                    with ui.row().classes('w-full items-center no-wrap').props('data-testid=command-row'):
                        ui.label(f'/{command.name}').classes('font-mono')
                        ui.label(command.request_url).classes('text-xs text-gray-500 truncate grow')
                        ui.button('Remove', on_click=lambda _, c=command.id: remove(c)).props(
                            'flat dense color=red-8 data-testid=command-remove'
                        )

        async def remove(command_id: int) -> None:
            try:
                await off_loop(command_actions.remove_command, ctx.user_id, command_id, ip)
            except ActionError as failure:
                error.text = failure.message
            await refresh()

        async def create() -> None:
            error.text = ''
            try:
                made = await off_loop(
                    command_actions.create_command,
                    ctx.user_id,
                    ctx.workspace_id,
                    name.value or '',
                    url.value or '',
                    description.value or '',
                    ip=ip,
                )
            except ActionError as failure:
                error.text = failure.message
                return
            name.value = url.value = description.value = ''
            shown.clear()
            with shown:
                ui.label(f'/{made.name} signs its requests with this secret. Copy it now: it is shown only once.')
                ui.input(value=made.signing_secret).props('readonly outlined dense data-testid=command-secret').classes(
                    'w-full'
                )
            await refresh()

        with ui.column().classes('w-full gap-1'):
            name = ui.input('Command, e.g. /deploy').classes('w-full').props('data-testid=command-name')
            url = ui.input('Request URL (https://…)').classes('w-full').props('data-testid=command-url')
            description = ui.input('What it does (optional)').classes('w-full').props('data-testid=command-description')
        with ui.row().classes('w-full justify-end'):
            ui.button('Close', on_click=dialog.close).props('flat')
            ui.button('Add command', on_click=create).props('unelevated color=green-8 data-testid=command-create')
    dialog.open()
    background_tasks.create(refresh(), name='commands-dialog')  # the list loads off the loop, after the dialog shows
