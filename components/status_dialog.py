"""Your own status: custom text and emoji, away / busy by hand (both with an optional expiry), receipts, e-mails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nicegui import ui

from components.shell_context import ShellContext
from db.engine import read_session
from db.models import User
from settings import get_settings
from state.actions import profile
from state.errors import ActionError
from state.stores.presence import user_presence

EXPIRY_CHOICES = {0: "Don't clear", 30: '30 minutes', 60: '1 hour', 240: '4 hours', 1440: '24 hours'}
PRESENCE_CHOICES = {'auto': 'Automatic', 'away': 'Away', 'busy': 'Busy (do not disturb)'}


def _expiry(minutes: int) -> datetime | None:
    return datetime.now(UTC) + timedelta(minutes=minutes) if minutes else None


def status_dialog(ctx: ShellContext) -> None:
    with read_session() as session:
        me = session.get(User, ctx.user_id)
    if me is None:
        return
    current = user_presence(ctx.user_id).status
    with ui.dialog() as dialog, ui.card().classes('w-96').props('data-testid=status-dialog'):
        ui.label('Your status').classes('text-lg font-bold')
        with ui.row().classes('w-full no-wrap gap-2'):
            emoji = ui.input('Emoji', value=me.status_emoji, placeholder='e.g. palm_tree').classes('w-32')
            emoji.props('data-testid=status-emoji')
            text = ui.input("What's happening?", value=me.status_text).classes('grow')
            text.props('maxlength=100 data-testid=status-text')
        status_expiry = ui.select(EXPIRY_CHOICES, value=0, label='Clear status after').classes('w-full')
        ui.separator()
        presence = ui.select(
            PRESENCE_CHOICES, value=current if current in ('away', 'busy') else 'auto', label='Show me as'
        ).classes('w-full')
        presence.props('data-testid=presence-choice')
        presence_expiry = ui.select(EXPIRY_CHOICES, value=0, label='Go back to automatic after').classes('w-full')
        receipts = ui.switch('Let others see when I have read their messages', value=me.send_read_receipts)
        receipts.props('data-testid=read-receipts-toggle')
        emails = ui.switch('E-mail me about mentions and DMs I miss while offline', value=me.email_notifications)
        emails.props('data-testid=email-notifications')
        if not get_settings().email_enabled:
            emails.disable()
            emails.tooltip('E-mail is off on this server')
        error = ui.label('').classes('text-red-700 text-sm').props('data-testid=dialog-error')

        def save() -> None:
            choice = str(presence.value)
            try:
                profile.set_status(ctx.user_id, text.value or '', emoji.value or '', _expiry(int(status_expiry.value)))
                manual = None if choice == 'auto' else choice
                until = _expiry(int(presence_expiry.value)) if manual else None
                profile.set_manual_presence(ctx.user_id, manual, until)
                profile.set_read_receipts(ctx.user_id, bool(receipts.value))
                if bool(emails.value) != me.email_notifications:
                    profile.set_email_notifications(ctx.user_id, bool(emails.value))
            except ActionError as failure:
                error.text = failure.message
                return
            dialog.close()

        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save', on_click=save).props('unelevated color=green-8 data-testid=status-save')
    dialog.open()
