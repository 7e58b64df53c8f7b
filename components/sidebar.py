"""The sidebar: channels and DMs with unread and mention badges, fed by the user's live sidebar store.

Each section is one browser component (side_list.js) that holds its rows as data. A new message elsewhere
costs this tab one small `counts` call (batched with the message list's delta into one socket message), not
NiceGUI element updates; the rows are sent whole only when the set of conversations changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from nicegui import ui
from nicegui.events import GenericEventArguments

from components.client_calls import call_method
from components.event_args import id_arg
from components.shell_context import ShellContext
from db.sidebar_queries import COUNT_CAP
from seams.nicegui_internals import props_quietly
from state.stores.sidebar import DIRECT_KINDS, ChannelEntry, SidebarStore

Row = tuple[int, str, str, str, int, int, bool, str, int]


def entry_label(entry: ChannelEntry) -> str:
    return entry.label if entry.kind in DIRECT_KINDS else f'#{entry.label}'


def _row(entry: ChannelEntry) -> Row:
    return (
        entry.id,
        entry.name or '',
        entry.label,
        entry.kind,
        entry.unread_count,
        entry.mention_count,
        entry.muted,
        entry.partner_status,
        len(entry.member_ids),
    )


class ConversationList(ui.element, component='side_list.js'):
    """One section of rows; clicking a row emits `open` with the conversation id."""

    def __init__(self, *, drawer_id: int | None, on_open: Callable[[int], object]) -> None:
        super().__init__()
        self._rows: dict[int, Row] = {}
        self._stale = False  # `_rows` moved on since the rows prop was last set
        self.props['rows'] = ()  # tuples: NiceGUI would wrap lists in observable copies per tab
        self.props['active'] = 0
        self.props['cap'] = COUNT_CAP
        self.props['drawer-id'] = drawer_id or 0
        self.classes('w-full')
        self.on('open', lambda e: self._open(e, on_open))

    def set_rows(self, entries: Iterable[ChannelEntry], active_id: int | None) -> None:
        self._rows = {entry.id: _row(entry) for entry in entries}
        self._stale = True
        with props_quietly(self):
            self.props['active'] = active_id or 0
        self.update()

    def set_active(self, channel_id: int | None) -> None:
        if self.props['active'] != (channel_id or 0):
            with props_quietly(self):
                self.props['active'] = channel_id or 0
            self.update()

    def refresh_row(self, entry: ChannelEntry, method: str, *args: object) -> None:
        """One row's counts or presence moved: send a delta; the props catch up before any full update."""
        if entry.id not in self._rows:
            return
        self._rows[entry.id] = _row(entry)
        self._stale = True
        call_method(self, method, entry.id, *args)

    def update(self) -> None:
        if self._stale:  # a full update must not send rows older than the deltas the browser has seen
            self._stale = False
            with props_quietly(self):
                self.props['rows'] = tuple(self._rows.values())
        super().update()

    @staticmethod
    def _open(e: GenericEventArguments, on_open: Callable[[int], object]) -> None:
        channel_id = id_arg(e)
        if channel_id is not None:
            on_open(channel_id)


class Sidebar:
    def __init__(
        self,
        ctx: ShellContext,
        store: SidebarStore,
        *,
        on_open: Callable[[int], object],
        on_browse: Callable[[], None],
        on_create: Callable[[], None],
        on_new_dm: Callable[[], None],
        on_counts: Callable[[ChannelEntry], None] | None = None,
        drawer_id: int | None = None,
    ) -> None:
        self.ctx = ctx
        self.on_counts = on_counts
        self.store = store
        self.active_id: int | None = None
        self._followed: dict[int, ChannelEntry] = {}  # entries whose changes this tab already listens to
        with ui.column().classes('w-full gap-0 pb-4').props('data-testid=sidebar') as self.root:
            with ui.element('div').classes('chat-side-section'):
                ui.label('Channels')
                with ui.row().classes('gap-0') as tools:
                    ui.button(icon='travel_explore', on_click=on_browse).props(
                        'flat round dense size=sm color=white data-testid=browse-channels'
                    ).props('title="Browse channels"')
                    ui.button(icon='add', on_click=on_create).props(
                        'flat round dense size=sm color=white data-testid=create-channel'
                    ).props('title="Create a channel"')
                tools.set_visibility(not ctx.is_guest)  # guests neither browse nor create (the actions refuse too)
            self.channels = (
                ConversationList(drawer_id=drawer_id, on_open=on_open).classes('w-full').mark('channel-rows')
            )
            with ui.element('div').classes('chat-side-section'):
                ui.label('Direct messages')
                ui.button(icon='add', on_click=on_new_dm).props(
                    'flat round dense size=sm color=white data-testid=new-dm'
                ).props('title="New message"')
            self.dms = ConversationList(drawer_id=drawer_id, on_open=on_open).mark('dm-rows')
        self.rebuild()
        store.on_change(self.rebuild)

    def rebuild(self) -> None:
        """The set of conversations changed (joined, left, created, archived, renamed, muted): send the rows."""
        wanted = [e for e in self.store.entries() if not e.archived or e.id == self.active_id]
        for entry in wanted:
            self._follow(entry)
        self.channels.set_rows((e for e in wanted if e.kind not in DIRECT_KINDS), self.active_id)
        self.dms.set_rows((e for e in wanted if e.kind in DIRECT_KINDS), self.active_id)

    def _follow(self, entry: ChannelEntry) -> None:
        if self._followed.get(entry.id) is entry:
            return  # a conversation left and joined again is a new entry, followed anew
        self._followed[entry.id] = entry
        section = self.dms if entry.kind in DIRECT_KINDS else self.channels
        on_counts = self.on_counts

        def counts_changed() -> None:
            section.refresh_row(entry, 'counts', entry.unread_count, entry.mention_count)
            if on_counts is not None:
                on_counts(entry)

        entry.on_unread_change(counts_changed)
        entry.on_partner_change(lambda: section.refresh_row(entry, 'status', entry.partner_status))

    def set_active(self, channel_id: int | None) -> None:
        self.active_id = channel_id
        self.channels.set_active(channel_id)
        self.dms.set_active(channel_id)

    def channel_names(self) -> list[tuple[int, str]]:
        return [(e.id, e.name) for e in self.store.entries() if e.kind not in DIRECT_KINDS and e.name]
