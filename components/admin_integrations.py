"""The admin console's Integrations tab: opens the apps, slash-command and webhook dialogs the shell already has
(components/apps_dialog.py, commands_dialog.py, webhooks_dialog.py), so each lives in one place."""

from __future__ import annotations

from nicegui import ui

from components.apps_dialog import apps_dialog
from components.commands_dialog import commands_dialog
from components.shell_context import ShellContext
from components.webhooks_dialog import webhooks_dialog
from db.admin_queries import display_name, webhook_channels
from db.workspace_queries import active_membership, is_workspace_admin, workspace_by_id
from settings import get_settings
from state.stores.roster import roster


def build_integrations_tab(actor_id: int, workspace_id: int) -> None:
    workspace = workspace_by_id(workspace_id)
    if workspace is None:
        return
    # The dialogs take the shell's context; this is the same one the workspace page would build.
    ctx = ShellContext(
        user_id=actor_id,
        user_name=display_name(actor_id),
        session_id=0,
        workspace_id=workspace_id,
        workspace_slug=workspace.slug,
        workspace_name=workspace.name,
        is_admin=is_workspace_admin(active_membership(workspace_id, actor_id)),
        max_message_chars=get_settings().max_message_chars,
        roster=roster(workspace_id),
    )
    channels = dict(webhook_channels(ctx.user_id, ctx.workspace_id))
    with ui.column().classes('w-full gap-4').props('data-testid=admin-integrations'):
        with ui.row().classes('items-center gap-3'):
            ui.label('Apps: bots with tokens that get events.').classes('w-80')
            ui.button('Manage apps…', on_click=lambda: apps_dialog(ctx)).props(
                'outline no-caps data-testid=admin-open-apps'
            )
        with ui.row().classes('items-center gap-3'):
            ui.label('Slash commands: /commands that call your URL.').classes('w-80')
            ui.button('Manage commands…', on_click=lambda: commands_dialog(ctx)).props(
                'outline no-caps data-testid=admin-open-commands'
            )
        with ui.row().classes('items-center gap-3'):
            ui.label('Incoming webhooks: programs post into a channel.').classes('w-80')
            channel = ui.select(
                {cid: f'#{name}' for cid, name in channels.items()}, value=next(iter(channels), None), label='Channel'
            )
            channel.props('outlined dense data-testid=admin-webhook-channel').classes('w-48')

            def open_webhooks() -> None:
                if channel.value in channels:
                    webhooks_dialog(ctx, channel.value, channels[channel.value])

            ui.button('Manage webhooks…', on_click=open_webhooks).props(
                'outline no-caps data-testid=admin-open-webhooks'
            )
