"""The channel menu's "Incoming webhooks" dialog: the channel's webhooks, a new one, and its URL shown once."""

from __future__ import annotations

from nicegui import context, ui

from components.shell_context import ShellContext
from settings import get_settings
from state.actions import webhooks as webhook_actions
from state.errors import ActionError


def webhooks_dialog(ctx: ShellContext, channel_id: int, channel_name: str) -> None:
    ip = ui.context.client.ip  # this tab's address, for the audit log
    with ui.dialog() as dialog, ui.card().classes('w-[34rem]').props('data-testid=webhooks-dialog'):
        ui.label(f'Incoming webhooks for #{channel_name}').classes('text-lg font-bold')
        ui.label('Programs post into this channel with a POST to a webhook URL, as with Slack.').classes(
            'text-sm text-gray-600'
        )
        listing = ui.column().classes('w-full gap-1')
        error = ui.label('').classes('text-red-700 text-sm')
        shown = ui.column().classes('w-full')

        def refresh() -> None:
            listing.clear()
            try:
                hooks = webhook_actions.channel_webhooks(ctx.user_id, channel_id)
            except ActionError as failure:
                error.text = failure.message
                return
            with listing:
                if not hooks:
                    ui.label('No webhooks yet.').classes('text-sm text-gray-500')
                for hook in hooks:
                    with ui.row().classes('w-full items-center justify-between').props('data-testid=webhook-row'):
                        ui.label(hook.name)
                        ui.button('Remove', on_click=lambda _, h=hook.id: remove(h)).props(
                            'flat dense color=red-8 data-testid=webhook-remove'
                        )

        def remove(webhook_id: int) -> None:
            try:
                webhook_actions.remove_webhook(ctx.user_id, webhook_id, ip)
            except ActionError as failure:
                error.text = failure.message
            refresh()

        def create() -> None:
            error.text = ''
            try:
                made = webhook_actions.create_webhook(ctx.user_id, channel_id, name.value or '', ip)
            except ActionError as failure:
                error.text = failure.message
                return
            name.value = ''
            shown.clear()
            with shown:
                ui.label(f'"{made.name}" posts with this URL. Copy it now: it is shown only once.').classes('text-sm')
                ui.input(value=_base_url() + made.path).props(
                    'readonly outlined dense data-testid=webhook-url'
                ).classes('w-full')
            refresh()

        with ui.row().classes('w-full items-end no-wrap'):
            name = ui.input('Name its posts show').classes('grow').props('data-testid=webhook-name')
            ui.button('Add webhook', on_click=create).props('unelevated color=green-8 data-testid=webhook-create')
        name.on('keydown.enter', create)
        with ui.row().classes('w-full justify-end'):
            ui.button('Close', on_click=dialog.close).props('flat')
        refresh()
    dialog.open()


def _base_url() -> str:
    """CHAT_PUBLIC_URL when set, else the address this browser reached the server at."""
    configured = get_settings().public_url
    return configured.rstrip('/') if configured else str(context.client.request.base_url).rstrip('/')
