"""The admin console's Settings tab: the workspace's name, icon and policies, saved in one action.

The form only gathers values; `state/actions/workspace_settings.py` checks who may change them and whether
they are valid, and its sentence is shown as it is.
"""

from __future__ import annotations

from nicegui import ui

from db.directory_queries import public_channels
from db.workspace_queries import workspace_by_id
from db.workspace_settings_queries import parse_ids, workspace_settings
from settings import get_settings
from state.actions.workspace_settings import SettingsChange, update_workspace_settings
from state.blocking import off_loop
from state.errors import ActionError

MB = 1024 * 1024
LABELS = {
    'name': 'name',
    'icon_emoji': 'icon',
    'default_channel_ids': 'default channels',
    'channel_creators': 'who may create channels',
    'edit_window_minutes': 'edit window',
    'delete_others': "who may delete others' messages",
    'extra_upload_types': 'upload types',
    'max_upload_bytes': 'largest upload',
}


def build_settings_tab(actor_id: int, workspace_id: int) -> None:
    workspace = workspace_by_id(workspace_id)
    if workspace is None:
        return
    stored = workspace_settings(workspace_id)
    channels = {c.id: f'#{c.name}' for c in public_channels(workspace_id, actor_id) if not c.archived}
    server_mb = get_settings().max_upload_bytes / MB
    with ui.column().classes('w-full max-w-xl gap-3').props('data-testid=admin-settings').mark('admin-settings'):
        ui.label('Workspace settings').classes('text-lg font-bold')
        name = ui.input('Workspace name', value=workspace.name).classes('w-full')
        name.props('data-testid=settings-name').mark('settings-name')
        icon = ui.input('Icon (an emoji or a shortcode such as :rocket:)', value=stored.icon_emoji).classes('w-full')
        icon.props('data-testid=settings-icon').mark('settings-icon')
        defaults = ui.select(
            channels,
            value=[i for i in parse_ids(stored.default_channel_ids) if i in channels],
            multiple=True,
            label='Default channels for newcomers (besides #general)',
        ).classes('w-full')
        defaults.props('use-chips data-testid=settings-default-channels').mark('settings-default-channels')
        creators = ui.select(
            {'everyone': 'Everyone (not guests)', 'admins': 'Owners and admins only'},
            value=stored.channel_creators,
            label='Who may create channels',
        ).classes('w-full')
        creators.props('data-testid=settings-channel-creators').mark('settings-channel-creators')
        window = ui.number('Message edit window in minutes (0 = no limit)', value=stored.edit_window_minutes, min=0)
        window.classes('w-full').props('data-testid=settings-edit-window').mark('settings-edit-window')
        deleters = ui.select(
            {'admins': 'Owners and admins', 'nobody': 'Nobody'},
            value=stored.delete_others,
            label="Who may delete other people's messages",
        ).classes('w-full')
        deleters.props('data-testid=settings-delete-others').mark('settings-delete-others')
        types = ui.input(
            'Extra allowed upload types (comma separated, e.g. video/mp4, audio/*)',
            value=workspace.extra_upload_types.replace(',', ', '),
        ).classes('w-full')
        types.props('data-testid=settings-upload-types').mark('settings-upload-types')
        size = ui.number(
            f'Largest upload in MB (0 = the server limit, {server_mb:g} MB)',
            value=round(stored.max_upload_bytes / MB, 3) if stored.max_upload_bytes else 0,
            min=0,
        ).classes('w-full')
        size.props('data-testid=settings-max-upload').mark('settings-max-upload')
        result = ui.label('').classes('text-sm').props('data-testid=settings-result').mark('settings-result')

        async def save() -> None:
            change = SettingsChange(
                name=name.value or '',
                icon_emoji=icon.value or '',
                default_channel_ids=[int(i) for i in defaults.value or []],
                channel_creators=str(creators.value),
                edit_window_minutes=int(window.value or 0),
                delete_others=str(deleters.value),
                extra_upload_types=[part for part in (types.value or '').split(',') if part.strip()],
                max_upload_mb=float(size.value or 0),
            )
            try:
                changes = await off_loop(update_workspace_settings, actor_id, workspace_id, change)
            except ActionError as failure:
                result.classes(replace='text-sm text-red-700')
                result.text = failure.message
                return
            if 'icon_emoji' in changes:
                icon.value = str(changes['icon_emoji'][1])  # the emoji a shortcode stood for
            result.classes(replace='text-sm text-green-800')
            saved = ', '.join(LABELS.get(field, field) for field in changes)
            result.text = f'Saved: {saved}.' if changes else 'Nothing changed.'

        save_button = ui.button('Save settings', on_click=save).mark('settings-save')
        save_button.props('unelevated color=green-8 data-testid=settings-save')
