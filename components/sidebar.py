"""The sidebar: channels and DMs with unread and mention badges, bound to the user's live sidebar store.

Each row binds to its entry's BindableProperties (push, not polled), so a new message elsewhere costs one
badge update in this tab. The row list itself is rebuilt only when the set of conversations changes.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import binding, ui

from components.presence import PresenceDot
from components.shell_context import ShellContext
from db.queries import COUNT_CAP
from state.stores.sidebar import ChannelEntry, SidebarStore

DIRECT_KINDS = ('direct', 'group')


def badge_text(count: int) -> str:
    return '99+' if count >= COUNT_CAP else str(count)  # the store stops counting at the cap


def entry_label(entry: ChannelEntry) -> str:
    return entry.label if entry.kind in DIRECT_KINDS else f'#{entry.label}'


class SideLink(ui.element):
    """One conversation row. Bold and `data-unread` follow the entry's unread count through a push binding."""

    def __init__(self, entry: ChannelEntry) -> None:
        super().__init__('div')
        self.classes('chat-side-link')
        self.props(f'data-testid=channel-link data-channel-id={entry.id}')
        self._props['data-channel'] = entry.name or str(entry.id)
        self._unread = -1
        self._muted = False
        binding.bind_from(self, 'unread', entry, 'unread_count')
        binding.bind_from(self, 'muted', entry, 'muted')

    @property
    def muted(self) -> bool:
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        self._muted = value
        self._props['data-muted'] = 'true' if value else 'false'
        self.classes(add='chat-side-link--muted') if value else self.classes(remove='chat-side-link--muted')

    @property
    def unread(self) -> int:
        return self._unread

    @unread.setter
    def unread(self, count: int) -> None:
        was_unread = self._unread > 0
        self._unread = count
        self._props['data-unread'] = str(count)
        if (count > 0) != was_unread:
            self.classes(toggle='chat-side-link--unread')  # one update, with the new prop
        else:
            self.update()


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
        self.drawer_id = drawer_id
        self.on_counts = on_counts
        self.store = store
        self.on_open = on_open
        self.active_id: int | None = None
        self._rows: dict[int, SideLink] = {}
        with ui.column().classes('w-full gap-0 pb-4').props('data-testid=sidebar') as self.root:
            with ui.element('div').classes('chat-side-section'):
                ui.label('Channels')
                with ui.row().classes('gap-0'):
                    ui.button(icon='travel_explore', on_click=on_browse).props(
                        'flat round dense size=sm color=white data-testid=browse-channels'
                    ).props('title="Browse channels"')
                    ui.button(icon='add', on_click=on_create).props(
                        'flat round dense size=sm color=white data-testid=create-channel'
                    ).props('title="Create a channel"')
            self.channels_box = ui.column().classes('w-full gap-0')
            with ui.element('div').classes('chat-side-section'):
                ui.label('Direct messages')
                ui.button(icon='add', on_click=on_new_dm).props(
                    'flat round dense size=sm color=white data-testid=new-dm'
                ).props('title="New message"')
            self.dms_box = ui.column().classes('w-full gap-0')
        self.rebuild()
        store.on_change(self.rebuild)

    def rebuild(self) -> None:
        """The set of conversations changed (joined, left, created, archived): add, drop and reorder rows.

        Rows of conversations that stay are kept (a click in flight still lands, bindings stay put).
        """
        wanted = [e for e in self.store.entries() if not e.archived or e.id == self.active_id]
        wanted_ids = {e.id for e in wanted}
        for channel_id in [cid for cid in self._rows if cid not in wanted_ids]:
            self._rows.pop(channel_id).delete()
        positions = {self.channels_box: 0, self.dms_box: 0}
        for entry in wanted:
            box = self.dms_box if entry.kind in DIRECT_KINDS else self.channels_box
            row = self._rows.get(entry.id)
            if row is None:
                with box:
                    row = self._rows[entry.id] = self._row(entry)
            row.move(box, target_index=positions[box])
            positions[box] += 1
        self.set_active(self.active_id)

    def _row(self, entry: ChannelEntry) -> SideLink:
        row = SideLink(entry)
        # On a phone the drawer overlays the conversation: close it as the choice is made (browser-side).
        close_drawer = f'if (window.innerWidth < 800) getElement({self.drawer_id}).hide();' if self.drawer_id else ''
        row.on('click', lambda _, cid=entry.id: self.on_open(cid), js_handler=f'() => {{ emit(); {close_drawer} }}')
        on_counts = self.on_counts
        if on_counts is not None:
            entry.on_unread_change(lambda: on_counts(entry))
        with row:
            if entry.kind == 'direct' and entry.partner_id is not None:
                PresenceDot(entry.partner_id)
            elif entry.kind == 'group':
                ui.label(str(len(entry.member_ids))).classes('opacity-70 w-4 text-center text-xs')
            else:
                ui.label('🔒' if entry.kind == 'private' else '#').classes('opacity-70 w-4 text-center')
            ui.label(entry.label).classes('truncate')
            unread = ui.label().classes('chat-side-badge chat-side-badge--unread').props('data-testid=unread-count')
            unread.bind_text_from(entry, 'unread_count', backward=badge_text)
            unread.bind_visibility_from(entry, 'unread_count', backward=lambda n: n > 0)
            mentions = ui.label().classes('chat-side-badge').props('data-testid=mention-count')
            mentions.bind_text_from(entry, 'mention_count', backward=badge_text)
            mentions.bind_visibility_from(entry, 'mention_count', backward=lambda n: n > 0)
        return row

    def set_active(self, channel_id: int | None) -> None:
        self.active_id = channel_id
        for cid, row in self._rows.items():
            if cid == channel_id:
                row.classes(add='chat-side-link--active')
            else:
                row.classes(remove='chat-side-link--active')

    def channel_names(self) -> list[tuple[int, str]]:
        return [(e.id, e.name) for e in self.store.entries() if e.kind not in DIRECT_KINDS and e.name]
