"""The Members tab's "not claimed yet" marker and its Invite button for imported, password-less people.

The button makes an invitation bound to the person's address (state/actions/claims.py): e-mailed when SMTP is
set, else a link for the admin to copy. Addresses the import made up (no e-mail in the export) get no button:
nobody could receive it, and the person would have to log in with a made-up address.
"""

from __future__ import annotations

from datetime import timedelta

from nicegui import ui

from db.admin_queries import MemberRow
from settings import get_settings
from state.actions.workspaces import create_invite
from state.blocking import off_loop
from state.errors import ActionError
from state.slack_archive.people import PLACEHOLDER_DOMAIN

CLAIM_INVITE_LIFETIME = timedelta(days=7)


class ClaimInviter:
    """Sends (or shows) the bound invitations of one admin's Members tab; build it while the page is built."""

    def __init__(self, actor_id: int, workspace_id: int, ip: str, error: ui.label) -> None:
        self._actor_id, self._workspace_id, self._ip, self._error = actor_id, workspace_id, ip, error
        self._base_url = str(ui.context.client.request.base_url).rstrip('/')
        self._email_on = get_settings().email_enabled
        with ui.row().classes('w-full items-center gap-2') as self._link_row:
            self._link_label = ui.label('')
            self._link = ui.label('').classes('font-mono break-all select-all')
            self._link.props('data-testid=member-invite-link').mark('member-invite-link')
        self._link_row.visible = False

    async def invite(self, row: MemberRow) -> None:
        self._error.text = ''
        try:
            token = await off_loop(
                create_invite,
                self._actor_id,
                self._workspace_id,
                CLAIM_INVITE_LIFETIME,
                1,
                row.email,
                send_email=self._email_on,
                ip=self._ip,
            )
        except ActionError as failure:
            self._error.text = failure.message
            return
        if self._email_on:
            ui.notify(f'The invitation is on its way to {row.email}.', type='positive')
            return
        self._link_label.text = f'E-mail is off: send {row.email} this link yourself:'
        self._link.text = f'{self._base_url}/join/{token}'
        self._link_row.visible = True


def unclaimed_marker(row: MemberRow, inviter: ClaimInviter) -> None:
    ui.label('not claimed yet').classes('text-sm text-orange-9').props('data-testid=member-unclaimed')
    if row.active and not row.email.endswith('@' + PLACEHOLDER_DOMAIN):
        ui.button('Invite', on_click=lambda: inviter.invite(row)).props(
            'flat dense no-caps color=primary data-testid=member-invite'
        ).mark('member-invite')
