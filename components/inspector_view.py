"""The live inspector's view: tables of topics, tabs, presence, typing and errors, and the bus, filled from one
`Snapshot` (state/inspector.py) at build and again on every push of the shared app-timer feed.

A push sets the tables' rows (one small props update each) and the bus line's text; no element is made or
removed after the build, so a second of live state costs an inspector tab a handful of small updates.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nicegui import ui

from state.inspector import Snapshot

Columns = list[dict[str, Any]]

TOPIC_COLUMNS: Columns = [
    {'name': 'topic', 'label': 'Topic', 'field': 'topic', 'align': 'left', 'sortable': True},
    {'name': 'subscribers', 'label': 'Subscribers', 'field': 'subscribers', 'sortable': True},
]
TAB_COLUMNS: Columns = [
    {'name': 'user', 'label': 'User', 'field': 'user', 'align': 'left', 'sortable': True},
    {'name': 'workspace', 'label': 'Workspace', 'field': 'workspace', 'align': 'left'},
    {'name': 'page', 'label': 'Page', 'field': 'page', 'align': 'left'},
    {'name': 'node', 'label': 'Node', 'field': 'node', 'align': 'left'},
    {'name': 'since', 'label': 'Since', 'field': 'since', 'align': 'left'},
    {'name': 'last_event', 'label': 'Last event', 'field': 'last_event', 'align': 'left'},
]
PRESENCE_COLUMNS: Columns = [
    {'name': 'user', 'label': 'User', 'field': 'user', 'align': 'left'},
    {'name': 'status', 'label': 'Status', 'field': 'status', 'align': 'left'},
    {'name': 'tabs', 'label': 'Tabs here', 'field': 'tabs'},
]
TYPING_COLUMNS: Columns = [
    {'name': 'where', 'label': 'Where', 'field': 'where', 'align': 'left'},
    {'name': 'user', 'label': 'Who', 'field': 'user', 'align': 'left'},
    {'name': 'left', 'label': 'Expires in', 'field': 'left'},
]
ERROR_COLUMNS: Columns = [
    {'name': 'at', 'label': 'When', 'field': 'at', 'align': 'left'},
    {'name': 'logger', 'label': 'Logger', 'field': 'logger', 'align': 'left'},
    {'name': 'message', 'label': 'Message', 'field': 'message', 'align': 'left', 'classes': 'whitespace-normal'},
    {'name': 'context', 'label': 'Context', 'field': 'context', 'align': 'left', 'classes': 'whitespace-normal'},
]


def clock_time(at: float | None) -> str:
    return datetime.fromtimestamp(at, UTC).strftime('%H:%M:%S UTC') if at is not None else '—'


def ago(at: float | None, now: float) -> str:
    if at is None:
        return 'none yet'
    seconds = max(0, int(now - at))
    return f'{seconds} s ago' if seconds < 120 else f'{seconds // 60} min ago'


def topic_rows(snapshot: Snapshot) -> list[dict[str, object]]:
    return [{'topic': topic, 'subscribers': count} for topic, count in snapshot.topics]


def tab_rows(snapshot: Snapshot) -> list[dict[str, object]]:
    now = snapshot.taken_at
    return [
        {
            'id': tab.client_id,
            'user': tab.user_name,
            'workspace': tab.workspace or '—',
            'page': tab.page,
            'node': snapshot.node,
            'since': clock_time(tab.since),
            'last_event': ago(tab.last_event, now),
        }
        for tab in snapshot.tabs
    ]


def presence_rows(snapshot: Snapshot) -> list[dict[str, object]]:
    return [{'id': uid, 'user': name, 'status': status, 'tabs': tabs} for uid, name, status, tabs in snapshot.presence]


def typing_rows(snapshot: Snapshot) -> list[dict[str, object]]:
    return [
        {
            'id': f'{channel}:{root}:{name}',
            'where': f'channel {channel}' + (f', thread {root}' if root is not None else ''),
            'user': name,
            'left': f'{left:.0f} s',
        }
        for channel, root, name, left in snapshot.typing
    ]


def error_rows(snapshot: Snapshot) -> list[dict[str, object]]:
    return [
        {
            'id': f'{index}',
            'at': clock_time(error.at),
            'logger': error.logger,
            'message': error.message + (f' ({error.exception})' if error.exception else ''),
            'context': error.context,
        }
        for index, error in enumerate(snapshot.errors)
    ]


def bus_text(snapshot: Snapshot) -> str:
    bus = snapshot.bus
    state = 'connected' if bus.connected else 'DISCONNECTED'
    return (
        f'{bus.backend}, {state} · queued {bus.queued} · reconnects {bus.reconnects} · dropped {bus.dropped} · '
        f'{snapshot.bus_events_per_second:.2f} bus events/s, {snapshot.browser_events_per_second:.2f} browser '
        'events/s (last minute)'
    )


class InspectorView:
    def __init__(self, snapshot: Snapshot) -> None:
        self.gone = ui.label('Not found.').classes('p-8 text-lg').props('data-testid=inspector-revoked')
        self.gone.mark('inspector-revoked')
        self.gone.set_visibility(False)
        with ui.column().classes('w-full max-w-6xl mx-auto p-4 gap-4') as self.body:
            with ui.row().classes('w-full items-baseline gap-3'):
                ui.label('Live inspector').classes('text-2xl font-semibold')
                self.node = ui.label(f'node {snapshot.node}').classes('text-gray-500')
                self.updated = ui.label('').classes('text-gray-500 text-sm').props('data-testid=inspector-updated')
            with ui.card().classes('w-full'):
                ui.label('Bus').classes('font-semibold')
                self.bus = ui.label('').props('data-testid=inspector-bus').mark('inspector-bus')
            self.tabs = self._table('Connected tabs', TAB_COLUMNS, 'inspector-tabs')
            with ui.row().classes('w-full gap-4 items-start no-wrap max-md:flex-wrap'):
                self.topics = self._table('Topics', TOPIC_COLUMNS, 'inspector-topics', row_key='topic')
                self.presence = self._table('Presence', PRESENCE_COLUMNS, 'inspector-presence')
                self.typing = self._table('Typing', TYPING_COLUMNS, 'inspector-typing')
            self.errors = self._table('Last errors', ERROR_COLUMNS, 'inspector-errors')
        self.show(snapshot)

    def _table(self, title: str, columns: Columns, testid: str, row_key: str = 'id') -> ui.table:
        with ui.card().classes('w-full'):
            ui.label(title).classes('font-semibold')
            table = ui.table(columns=columns, rows=[], row_key=row_key, pagination=0)
            table.props(f'dense flat hide-pagination data-testid={testid}').classes('w-full').mark(testid)
            return table

    def show(self, snapshot: Snapshot) -> None:
        self.tabs.rows = tab_rows(snapshot)
        self.topics.rows = topic_rows(snapshot)
        self.presence.rows = presence_rows(snapshot)
        self.typing.rows = typing_rows(snapshot)
        self.errors.rows = error_rows(snapshot)
        self.bus.text = bus_text(snapshot)
        self.updated.text = f'updated {clock_time(snapshot.taken_at)}'
        self.tabs.props(f'data-count={len(snapshot.tabs)}')

    def revoke(self) -> None:
        """The person is no longer a server admin: nothing of the live state stays on the page."""
        self.body.delete()
        self.gone.set_visibility(True)
