"""The admin console's Members tab: search, each person's role, deactivate and reactivate, and an invitation
for imported people who have not claimed their account yet (components/claim_invite.py).

Every change goes through `state/actions/members.py`, which checks the rules again; the list follows the
workspace topic, so two admins see each other's changes live.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import background_tasks, ui

from components.claim_invite import ClaimInviter, unclaimed_marker
from db.admin_queries import MemberRow, is_active_admin, member_rows
from db.models import WorkspaceRole
from state.actions import members
from state.blocking import off_loop
from state.bus import bus, workspace_topic
from state.errors import ActionError
from state.events import Event, MemberJoined, MembershipChanged, UserChanged

RoleChange = Callable[[MemberRow, str], Awaitable[None]]
ActiveChange = Callable[[MemberRow, bool], Awaitable[None]]
ROLE_CHOICES = [
    role.value for role in (WorkspaceRole.OWNER, WorkspaceRole.ADMIN, WorkspaceRole.MEMBER, WorkspaceRole.GUEST)
]


def build_members_tab(actor_id: int, workspace_id: int) -> None:
    """Call while the page is built (rule 8): the actor and the client's address are fixed then."""
    ip = ui.context.client.ip

    with ui.column().classes('w-full gap-2').props('data-testid=admin-members') as tab:
        search = ui.input('Search people', placeholder='Name or e-mail').classes('w-80')
        search.props('outlined dense clearable debounce=300 data-testid=admin-member-search')
        error = ui.label('').classes('text-negative text-sm').props('data-testid=admin-members-error role=alert')
        inviter = ClaimInviter(actor_id, workspace_id, ip, error)
        listing = ui.column().classes('w-full gap-0')

    async def reload() -> None:
        if not await off_loop(is_active_admin, actor_id, workspace_id):
            listing.clear()  # no longer an admin: the list goes at once (the page sends the tab away)
            return
        rows = await off_loop(member_rows, workspace_id, search.value or '')
        listing.clear()
        with listing:
            if not rows:
                ui.label('Nobody matches.').classes('text-grey-7')
            for row in rows:
                _member_row(row, actor_id, change_role, set_active, inviter)

    async def run(work: Callable[..., bool], *args: object) -> None:
        error.text = ''
        try:
            await off_loop(work, *args)
        except ActionError as failure:
            error.text = failure.message
        await reload()  # shows the stored truth, also after a refusal (the select goes back)

    async def change_role(row: MemberRow, role: str) -> None:
        if role != row.role:
            await run(members.set_member_role, actor_id, workspace_id, row.user_id, role, ip)

    async def set_active(row: MemberRow, active: bool) -> None:
        action = members.reactivate_member if active else members.deactivate_member
        await run(action, actor_id, workspace_id, row.user_id, ip)

    def on_event(event: Event) -> None:
        # UserChanged: a name changed, or an imported person claimed their account (no longer "not claimed").
        joined = isinstance(event, MemberJoined) and event.channel_id is None
        if joined or isinstance(event, (MembershipChanged, UserChanged)):
            background_tasks.create(reload(), name='admin-members')

    search.on('update:model-value', lambda: background_tasks.create(reload(), name='admin-members'))
    bus.subscribe(workspace_topic(workspace_id), on_event, owner=tab)
    background_tasks.create(reload(), name='admin-members')


def _member_row(
    row: MemberRow, actor_id: int, change_role: RoleChange, set_active: ActiveChange, inviter: ClaimInviter
) -> None:
    # E-mail addresses never hold a quote or whitespace (normalize_email), so they are safe inside props.
    with (
        ui.row()
        .classes('w-full items-center gap-3 py-1 border-b')
        .props(f'data-testid=member-row data-user="{row.email}" data-active={str(row.active).lower()}')
    ):
        with ui.column().classes('grow gap-0'):
            name = ui.label(row.name + ('' if row.active else ' (deactivated)')).classes('font-medium')
            name.props('data-testid=member-name')
            ui.label(row.email).classes('text-sm text-grey-7')
        if not row.claimed:
            unclaimed_marker(row, inviter)
        role = ui.select(ROLE_CHOICES, value=row.role).classes('w-32')
        role.props('outlined dense options-dense data-testid=member-role').mark('member-role')
        role.on_value_change(lambda e: change_role(row, e.value))
        if row.user_id == actor_id:
            ui.label('you').classes('w-28 text-grey-7 text-sm')
        elif row.active:
            ui.button('Deactivate', on_click=lambda: set_active(row, False)).props(
                'flat dense no-caps color=negative data-testid=member-deactivate'
            ).classes('w-28').mark('member-deactivate')
        else:
            ui.button('Reactivate', on_click=lambda: set_active(row, True)).props(
                'flat dense no-caps color=primary data-testid=member-reactivate'
            ).classes('w-28').mark('member-reactivate')
