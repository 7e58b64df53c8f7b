"""Invite links of a workspace: create (and e-mail, when SMTP is set), list with status, uses and expiry, and
revoke. The invites page and the admin console's Invitations tab both show it.

A guest invite names the channels its guests may see (db/authz.py); the choice offers the open channels the
admin can read, and `create_invite` checks them again."""

from __future__ import annotations

from datetime import datetime, timedelta

from nicegui import ui

from db.admin_queries import open_channels
from db.models import Invite, WorkspaceRole
from db.models import utcnow as now
from db.workspace_queries import list_invites
from settings import get_settings
from state.actions.workspaces import create_invite, revoke_invite
from state.errors import ActionError

EXPIRY_CHOICES = {
    '1 hour': timedelta(hours=1),
    '1 day': timedelta(days=1),
    '7 days': timedelta(days=7),
    '30 days': timedelta(days=30),
}
DEFAULT_EXPIRY = '7 days'
DEFAULT_MAX_USES = 10


def invite_status(invite: Invite, at: datetime) -> str:
    if invite.revoked:
        return 'revoked'
    if invite.expires_at <= at:
        return 'expired'
    if invite.uses >= invite.max_uses:
        return 'used up'
    return 'active'


def build_invite_manager(actor_id: int, workspace_id: int) -> None:
    """Call while the page is built (rule 8): it takes the client's address and base URL from the request."""
    request = ui.context.client.request
    base_url = str(request.base_url).rstrip('/')
    ip = ui.context.client.ip
    email_on = get_settings().email_enabled
    channel_choices = {cid: f'#{name}' for cid, name in open_channels(actor_id, workspace_id)}

    def create() -> None:
        try:
            address = (email.value or '').strip() if email_on else ''
            token = create_invite(
                actor_id,
                workspace_id,
                EXPIRY_CHOICES[expiry.value],
                int(max_uses.value or 0),
                email=address or None,
                guest_channel_ids=[int(i) for i in guest_channels.value or []] if guest.value else None,
                ip=ip,
            )
        except ActionError as error:
            ui.notify(error.message, type='warning')
            return
        link.text = f'{base_url}/join/{token}'
        link_row.visible = True
        if address:
            ui.notify(f'The invite is on its way to {address}.', type='positive')
            email.value = ''
        invite_list.refresh()

    def revoke(invite_id: int) -> None:
        try:
            revoke_invite(actor_id, invite_id, ip=ip)
        except ActionError as error:
            ui.notify(error.message, type='warning')
        invite_list.refresh()

    @ui.refreshable
    def invite_list() -> None:
        invites = list_invites(workspace_id)
        if not invites:
            ui.label('No invite links yet.').classes('text-grey-7')
            return
        at = now()
        for invite in invites:
            status = invite_status(invite, at)
            with (
                ui.row()
                .classes('w-full items-center gap-3')
                .props(f'data-testid=invite-row data-invite-id={invite.id} data-status="{status}"')
            ):
                ui.label(status).classes('w-20 font-medium').props('data-testid=invite-status').mark('invite-status')
                ui.label(f'{invite.uses} of {invite.max_uses} uses').classes('w-28')
                kind = 'guest' if invite.role == WorkspaceRole.GUEST else 'member'
                ui.label(kind).classes('w-16 text-grey-8').props('data-testid=invite-kind').mark('invite-kind')
                if invite.email:
                    ui.label(f'for {invite.email}').classes('text-grey-8').props('data-testid=invite-for')
                ui.label(f'expires {invite.expires_at:%Y-%m-%d %H:%M} UTC').classes('grow text-grey-8')
                if status == 'active' and invite.id is not None:
                    ui.button('Revoke', on_click=lambda invite_id=invite.id: revoke(invite_id)).props(
                        'flat dense no-caps color=negative data-testid=invite-revoke'
                    ).mark('invite-revoke')

    with ui.column().classes('w-full gap-4').props('data-testid=invite-manager'):
        with ui.row().classes('items-end gap-3'):
            expiry = ui.select(list(EXPIRY_CHOICES), value=DEFAULT_EXPIRY, label='Expires after')
            expiry.props('outlined dense data-testid=invite-expiry').classes('w-36').mark('invite-expiry')
            max_uses = ui.number('Uses allowed', value=DEFAULT_MAX_USES, min=1, max=1000, step=1, precision=0)
            max_uses.props('outlined dense data-testid=invite-max-uses').classes('w-36').mark('invite-max-uses')
            email = ui.input('E-mail it to (optional)', placeholder='name@example.com').classes('w-64')
            email.props('outlined dense type=email maxlength=254 data-testid=invite-email').mark('invite-email')
            email.visible = email_on  # without SMTP the link is copied by hand
            guest = ui.checkbox('Guest', value=False).props('data-testid=invite-guest').mark('invite-guest')
            guest_channels = ui.select(channel_choices, multiple=True, value=[], label='Channels the guest may see')
            guest_channels.props('outlined dense use-chips data-testid=invite-guest-channels').classes('w-72')
            guest_channels.mark('invite-guest-channels').bind_visibility_from(guest, 'value')
            ui.button('Create invite link', on_click=create).props('unelevated no-caps data-testid=invite-create').mark(
                'invite-create'
            )
        with ui.row().classes('w-full items-center gap-2') as link_row:
            ui.label('Share this link:')
            link = (
                ui.label('')
                .classes('font-mono break-all select-all')
                .props('data-testid=invite-link')
                .mark('invite-link')
            )
        link_row.visible = False
        ui.label('Invite links').classes('text-lg font-semibold pt-4')
        invite_list()
