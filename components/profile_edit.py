"""Your own profile: picture (upload, replace, remove), names, title, pronouns and time zone.

Opened from the account area of the sidebar and from your own profile card. The picture is saved as soon as
it is uploaded (the action checks and cuts it off the event loop); the fields are saved with "Save".
"""

from __future__ import annotations

from nicegui import events, ui

from components.avatar import avatar_element
from components.shell_context import ShellContext
from db.engine import read_session
from db.models import User
from state.actions import avatars, profile_fields
from state.blocking import off_loop
from state.errors import ActionError
from state.files.avatar_images import MAX_AVATAR_BYTES
from state.time_zones import known_time_zones


def profile_edit_dialog(ctx: ShellContext) -> None:
    with read_session() as session:
        me = session.get(User, ctx.user_id)
    if me is None:
        return
    zones = sorted(known_time_zones())
    with ui.dialog() as dialog, ui.card().classes('w-[28rem]').props('data-testid=profile-edit'):
        dialog.on('hide', dialog.delete)
        ui.label('Edit your profile').classes('text-lg font-bold')
        with ui.row().classes('w-full items-center gap-4 no-wrap'):
            picture = ui.element('div')
            with ui.column().classes('gap-1'):
                upload = ui.upload(auto_upload=True, max_files=1, max_file_size=MAX_AVATAR_BYTES)
                upload.props(
                    'accept="image/png,image/jpeg,image/gif,image/webp" flat bordered label="Upload a picture"'
                )
                upload.props('data-testid=profile-avatar-upload')
                remove = ui.button('Remove picture').props('flat dense no-caps data-testid=profile-avatar-remove')
        display_name = ui.input('Display name', value=me.display_name).classes('w-full')
        display_name.props('maxlength=80 data-testid=profile-display-name')
        full_name = ui.input('Full name', value=me.full_name).classes('w-full')
        full_name.props('maxlength=80 data-testid=profile-full-name-input')
        title = ui.input('Title', value=me.title, placeholder='What you do').classes('w-full')
        title.props('maxlength=100 data-testid=profile-title-input')
        pronouns = ui.input('Pronouns', value=me.pronouns, placeholder='e.g. she/her').classes('w-full')
        pronouns.props('maxlength=40 data-testid=profile-pronouns-input')
        time_zone = ui.select(zones, value=me.time_zone or None, label='Time zone', with_input=True).classes('w-full')
        time_zone.props('clearable data-testid=profile-time-zone')
        error = ui.label('').classes('text-red-700 text-sm').props('data-testid=profile-error')

        def show_picture(version: int) -> None:
            picture.clear()
            with picture:
                avatar_element(ctx.user_id, me.display_name, version)
            remove.set_visibility(bool(version))

        async def uploaded(e: events.UploadEventArguments) -> None:
            upload.reset()
            try:
                view = await off_loop(avatars.set_avatar, ctx.user_id, await e.file.read())
            except ActionError as failure:
                error.text = failure.message
                return
            error.text = ''
            show_picture(view.avatar_version)

        async def removed() -> None:
            try:
                view = await off_loop(avatars.remove_avatar, ctx.user_id)
            except ActionError as failure:
                error.text = failure.message
                return
            show_picture(view.avatar_version)

        def too_large() -> None:
            error.text = f'A profile picture can be at most {MAX_AVATAR_BYTES // (1024 * 1024)} MB.'

        upload.on_upload(uploaded)
        upload.on_rejected(too_large)
        remove.on_click(removed)
        show_picture(me.avatar_version)

        def save() -> None:
            fields = profile_fields.ProfileFields(
                display_name=display_name.value or '',
                full_name=full_name.value or '',
                title=title.value or '',
                pronouns=pronouns.value or '',
                time_zone=str(time_zone.value or ''),
            )
            try:
                profile_fields.update_profile(ctx.user_id, fields)
            except ActionError as failure:
                error.text = failure.message
                return
            dialog.close()

        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save', on_click=save).props('unelevated color=green-8 data-testid=profile-save')
    dialog.open()
