"""The workspace menu's "Apps" dialog (owners and admins): the apps, a new one with its secrets shown once,
disabling and enabling, and each app's delivery log. Actions run off the event loop: creating an app with an
events URL waits for url_verification (up to 3 s)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.shell_context import ShellContext
from state.actions import app_delivery_log as log_actions
from state.actions import app_events_url, apps
from state.blocking import off_loop
from state.errors import ActionError

AppHandler = Callable[[apps.AppSummary], Awaitable[None]]
_LOG_COLUMNS = ('time', 'event', 'status', 'attempts', 'error')
_VERIFIED = {True: 'URL verified', False: 'URL did not answer the challenge', None: ''}


async def apps_dialog(ctx: ShellContext) -> None:
    ip = ui.context.client.ip  # this tab's address, for the audit log
    with (
        ui.dialog() as dialog,
        ui.card().classes('w-[44rem] max-w-full max-h-[90vh] overflow-auto').props('data-testid=apps-dialog'),
    ):
        ui.label('Apps').classes('text-lg font-bold')
        ui.label(
            'An app is a bot with a token that gets events: at its events URL (signed, as Slack sends them) '
            'or over Socket Mode.'
        ).classes('text-sm text-gray-600')
        listing = ui.column().classes('w-full gap-1')
        error = ui.label('').classes('text-red-700 text-sm').props('data-testid=apps-error')
        shown = ui.column().classes('w-full')
        log_area = ui.column().classes('w-full')

        async def refresh() -> None:
            try:
                found = await off_loop(apps.workspace_apps, ctx.user_id, ctx.workspace_id)
            except ActionError as failure:
                error.text = failure.message
                return
            listing.clear()
            with listing:
                if not found:
                    ui.label('No apps yet.').classes('text-sm text-gray-500')
                for app in found:
                    _app_row(app, toggle, show_log)

        async def toggle(app: apps.AppSummary) -> None:
            try:
                await off_loop(apps.set_app_disabled, ctx.user_id, app.id, not app.disabled, ip)
            except ActionError as failure:
                error.text = failure.message
            await refresh()

        async def show_log(app: apps.AppSummary) -> None:
            try:
                entries = await off_loop(log_actions.app_delivery_log, ctx.user_id, app.id)
            except ActionError as failure:
                error.text = failure.message
                return
            log_area.clear()
            with log_area:
                ui.label(f'Deliveries to {app.name} (newest first)').classes('font-bold text-sm')
                rows = [
                    {
                        'time': entry.created_at.strftime('%Y-%m-%d %H:%M:%S UTC'),
                        'event': entry.event_type,
                        'status': entry.status,
                        'attempts': entry.attempts,
                        'error': entry.last_error,
                    }
                    for entry in entries
                ]
                columns = [{'name': key, 'label': key.title(), 'field': key, 'align': 'left'} for key in _LOG_COLUMNS]
                ui.table(columns=columns, rows=rows).props('dense flat data-testid=app-delivery-log').classes('w-full')

        async def create() -> None:
            error.text = ''
            chosen = tuple(kind for kind, box in boxes.items() if box.value)
            try:
                made = await off_loop(
                    apps.create_app,
                    ctx.user_id,
                    ctx.workspace_id,
                    name.value or '',
                    events_url=url.value or '',
                    socket_mode=bool(socket.value),
                    event_types=chosen,
                    ip=ip,
                )
                verified = await off_loop(app_events_url.verify_events_url, made.id)
            except ActionError as failure:
                error.text = failure.message
                return
            name.value = ''
            url.value = ''
            shown.clear()
            with shown:
                ui.label(f'"{made.name}" was created. Copy its secrets now: they are shown only once.').classes(
                    'text-sm'
                )
                _secret('Bot token', made.bot_token, 'app-bot-token')
                _secret('Signing secret', made.signing_secret, 'app-signing-secret')
                if made.app_token is not None:
                    _secret('App-level token (Socket Mode)', made.app_token, 'app-app-token')
                if verified is not None:
                    ui.label(_VERIFIED[verified]).classes('text-sm').props('data-testid=app-url-verified')
            await refresh()

        with ui.expansion('Create an app', icon='add').classes('w-full').props('data-testid=app-create-section'):
            name = ui.input('Name').classes('w-full').props('data-testid=app-name')
            url = ui.input('Events URL (https://…)').classes('w-full').props('data-testid=app-events-url')
            socket = ui.checkbox('Socket Mode (the app connects to us)').props('data-testid=app-socket-mode')
            ui.label('Events').classes('text-sm font-bold')
            boxes: dict[str, ui.checkbox] = {}
            with ui.row().classes('w-full gap-x-4 gap-y-0'):
                for kind in sorted(apps.EVENT_TYPES):
                    boxes[kind] = ui.checkbox(kind, value=kind in apps.DEFAULT_EVENT_TYPES).props(
                        f'dense data-testid=app-event data-event={kind}'
                    )
            ui.button('Create app', on_click=create).props('unelevated color=green-8 data-testid=app-create')
        with ui.row().classes('w-full justify-end'):
            ui.button('Close', on_click=dialog.close).props('flat')
    dialog.open()
    await refresh()


def _app_row(app: apps.AppSummary, toggle: AppHandler, show_log: AppHandler) -> None:
    with ui.row().classes('w-full items-center justify-between no-wrap').props('data-testid=app-row') as row:
        row.props['data-app'] = app.name  # set as a value, never parsed as a prop string
        with ui.column().classes('gap-0 grow'):
            ui.label(app.name + (' (disabled)' if app.disabled else '')).classes('font-medium')
            where = 'Socket Mode' if app.socket_mode else (app.events_url or 'no events URL')
            detail = ', '.join(filter(None, [where, _VERIFIED[app.url_verified], ' '.join(app.event_types)]))
            ui.label(detail).classes('text-xs text-gray-600 break-all')
        ui.button('Log', on_click=lambda: show_log(app)).props('flat dense data-testid=app-log')
        ui.button('Enable' if app.disabled else 'Disable', on_click=lambda: toggle(app)).props(
            'flat dense color=red-8 data-testid=app-toggle'
        )


def _secret(label: str, value: str, testid: str) -> None:
    ui.input(label, value=value).props(f'readonly outlined dense data-testid={testid}').classes('w-full')
