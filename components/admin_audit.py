"""The admin console's Audit log tab: who changed what and from where, newest first, older pages on demand
(keyset paging on the row id)."""

from __future__ import annotations

import json

from nicegui import background_tasks, ui

from db.admin_queries import AUDIT_PAGE_SIZE, AuditRow, audit_page, is_active_admin
from state.blocking import off_loop


def build_audit_tab(actor_id: int, workspace_id: int) -> None:
    """Every load asks again whether `actor_id` is still an owner or admin of the workspace."""
    oldest: list[int] = []  # the id of the oldest row shown, once a page came back

    with ui.column().classes('w-full gap-2').props('data-testid=audit-log'):
        with ui.row().classes('items-center gap-3'):
            ui.button('Refresh', icon='refresh', on_click=lambda: load(reset=True)).props(
                'flat dense no-caps data-testid=audit-refresh'
            )
        with ui.row().classes('w-full gap-3 py-1 border-b text-xs text-grey-7 uppercase no-wrap'):
            for title, width in (('When', 'w-44'), ('Who', 'w-36'), ('What', 'grow'), ('From', 'w-32')):
                ui.label(title).classes(width)
        listing = ui.column().classes('w-full gap-0')
        older = (
            ui.button('Older entries', on_click=lambda: load(reset=False))
            .props('flat dense no-caps data-testid=audit-older')
            .mark('audit-older')
        )
        older.visible = False

    async def load(*, reset: bool) -> None:
        if reset:
            oldest.clear()
        if not await off_loop(is_active_admin, actor_id, workspace_id):
            listing.clear()  # asked on every page request: a demoted admin reads no further
            older.visible = False
            return
        before = oldest[-1] if oldest else None
        rows = await off_loop(audit_page, workspace_id, before, AUDIT_PAGE_SIZE)
        if reset:
            listing.clear()
        with listing:
            if reset and not rows:
                ui.label('Nothing recorded yet.').classes('text-grey-7')
            for row in rows:
                _audit_row(row)
        if rows:
            oldest.append(rows[-1].id)
        older.visible = len(rows) == AUDIT_PAGE_SIZE

    background_tasks.create(load(reset=True), name='audit-log')


def describe(row: AuditRow) -> str:
    """One line a person reads: the action, its target and the detail's key facts."""
    target = row.target_name or (f'{row.target_kind} {row.target_id}' if row.target_kind else '')
    try:
        detail = json.loads(row.detail) if row.detail else {}
    except ValueError:
        detail = {}
    facts = ', '.join(f'{key}: {value}' for key, value in detail.items()) if isinstance(detail, dict) else ''
    return ' '.join(part for part in (row.action, target, f'({facts})' if facts else '') if part)


def _audit_row(row: AuditRow) -> None:
    with (
        ui.row()
        .classes('w-full items-center gap-3 py-1 border-b text-sm no-wrap')
        .props(f'data-testid=audit-row data-action={row.action} data-audit-id={row.id}')
        .mark('audit-row')
    ):
        ui.label(f'{row.at:%Y-%m-%d %H:%M:%S} UTC').classes('w-44 text-grey-7')
        ui.label(row.actor_name).classes('w-36 font-medium truncate')
        ui.label(describe(row)).classes('grow')
        ui.label(row.ip or '—').classes('w-32 text-grey-7').props('data-testid=audit-ip')
