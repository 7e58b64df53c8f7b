"""The people panel: everyone in the workspace with live presence, a status filter, search and "last active".

The shell builds it when first opened, and its rows are dropped when closed, so tabs that never look at it pay
nothing for it. Each row's status follows the presence store through a push binding (no polling).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from nicegui import ui

from components.presence import PresenceDot, PresenceFollower
from components.shell_context import ShellContext
from db.directory_queries import Person, workspace_directory
from state.render.emoji import emoji_for
from state.stores.presence import OFFLINE

FILTERS = {'all': 'All', 'online': 'Online', 'away': 'Away', 'busy': 'Busy', 'offline': 'Offline'}


def last_active_text(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return 'not active yet'
    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    if seconds < 60:
        return 'last active just now'
    if seconds < 3600:
        return f'last active {int(seconds // 60)} min ago'
    if seconds < 86400:
        return f'last active {int(seconds // 3600)} h ago'
    return f'last active {moment:%b %d}'


class PersonRow(PresenceFollower):
    """One person; the dot, "last active" and whether the row passes the panel's filter follow their presence."""

    def __init__(self, person: Person, matches: Callable[[Person, str], bool]) -> None:
        super().__init__('div')
        self.person = person
        self.matches = matches
        self.classes('flex items-center gap-2 px-3 py-1 cursor-pointer hover:bg-gray-100 rounded')
        self.props('data-testid=presence-item')
        with self:
            PresenceDot(person.id)
            with ui.column().classes('gap-0 min-w-0'):
                ui.label(person.name).classes('font-medium truncate')
                status = ' '.join(filter(None, [emoji_for(person.status_emoji) or '', person.status_text]))
                if status:
                    ui.label(status).classes('text-xs text-gray-600 truncate').props('data-testid=custom-status')
                self.last_active = ui.label(last_active_text(person.last_active_at)).classes('text-xs text-gray-500')
        self.follow(person.id)

    def status_changed(self, status: str) -> None:
        self.last_active.set_visibility(status == OFFLINE)
        self.refilter()

    def refilter(self) -> None:
        self.set_visibility(self.matches(self.person, self.status))


class PeoplePanel:
    def __init__(self, ctx: ShellContext, *, on_message: Callable[[int], None], on_close: Callable[[], None]) -> None:
        self.ctx = ctx
        self.on_message = on_message
        self.rows: list[PersonRow] = []
        self.status_filter = 'all'
        with ui.element('div').classes('chat-thread').props('data-testid=people-panel') as self.root:
            with ui.element('div').classes('chat-header'):
                ui.label('People').classes('chat-header__name')
                ui.space()
                ui.button(icon='close', on_click=on_close).props('flat round dense data-testid=people-close')
            with ui.column().classes('w-full p-3 gap-2'):
                self.search = ui.input(placeholder='Search people').classes('w-full')
                self.search.props('clearable dense outlined data-testid=people-search')
                self.search.on_value_change(self._refilter)
                toggle = ui.toggle(FILTERS, value='all', on_change=lambda e: self._set_filter(str(e.value)))
                toggle.props('dense no-caps size=sm data-testid=people-filter')
            self.list = ui.column().classes('w-full gap-0 px-1 overflow-y-auto grow')
        self.root.set_visibility(False)

    @property
    def is_open(self) -> bool:
        return self.root.visible

    def open(self) -> None:
        self.list.clear()
        with self.list:
            self.rows = []
            for person in workspace_directory(self.ctx.workspace_id, self.ctx.user_id):
                row = PersonRow(person, self._matches)
                row.on('click', lambda _, uid=person.id: self.on_message(uid))
                self.rows.append(row)
        self.root.set_visibility(True)

    def close(self) -> None:
        self.root.set_visibility(False)
        self.list.clear()  # drops the rows and their bindings
        self.rows = []

    def _matches(self, person: Person, status: str) -> bool:
        needle = (self.search.value or '').strip().lower()
        wanted = self.status_filter == 'all' or status == self.status_filter
        return wanted and (not needle or needle in person.name.lower() or needle in person.status_text.lower())

    def _set_filter(self, value: str) -> None:
        self.status_filter = value
        self._refilter()

    def _refilter(self) -> None:
        for row in self.rows:
            row.refilter()
