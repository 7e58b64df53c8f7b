"""The workspace shell: the layout of one tab (sidebar, the open conversation, the side panels) and navigation.

Switching channels happens inside the page (the URL follows with history.push), so the websocket, the sidebar
and its bindings stay; only the channel pane swaps its subscription and resets its list. The channel header's
menu is `components/channel_menu.py`; which side panel is open, `components/side_panels.py`.
"""

from __future__ import annotations

from nicegui import ui

from components.account_menu import logout_button
from components.activity import ActivityTracker
from components.apps_dialog import apps_dialog
from components.channel_dialogs import browse_channels_dialog, create_channel_dialog, direct_message_dialog
from components.channel_menu import ChannelMenu
from components.channel_pane import ChannelPane
from components.connection_status import ConnectionStatus
from components.notifier import Notifier, notification_reason
from components.people_panel import PeoplePanel
from components.presence import PresenceDot
from components.search_box import SearchBox
from components.shell_context import ShellContext
from components.side_panels import SidePanels
from components.sidebar import Sidebar, entry_label
from components.status_dialog import status_dialog
from components.tab_title import TabTitle
from components.thread_panel import ThreadPanel
from components.workspace_switcher import workspace_switcher
from db import channel_queries as queries
from db.directory_queries import visible_people_ids
from db.search_queries import SearchHit
from db.workspace_queries import general_channel
from state.access import readable_channel
from state.actions import channels as channel_actions
from state.bus import bus, user_topic, workspace_topic
from state.errors import ActionError
from state.events import (
    ChannelUpdated,
    ChannelView,
    EphemeralPosted,
    EphemeralView,
    Event,
    MemberJoined,
    MessageCreated,
    ReadPositionMoved,
    UserChanged,
    WorkspaceImported,
    WorkspaceSettingsChanged,
)
from state.stores import presence as presence_store
from state.stores import roster as roster_store
from state.stores.sidebar import ChannelEntry, sidebar_store


class Shell:
    def __init__(self, ctx: ShellContext) -> None:
        self.ctx = ctx
        self.store = sidebar_store(ctx.user_id, ctx.workspace_id)
        client = ui.context.client
        ConnectionStatus()
        self.title = TabTitle()
        ActivityTracker(ctx.user_id)
        # value=None: open beside the content on wide screens, closed (an overlay) on phones.
        drawer = ui.left_drawer(value=None, fixed=True).classes('chat-sidebar p-0').props('width=260 breakpoint=800')
        with drawer:
            self._sidebar_header()
            self.sidebar = Sidebar(
                ctx,
                self.store,
                drawer_id=drawer.id,
                on_open=self.open_channel,
                on_browse=lambda: browse_channels_dialog(ctx, self.open_channel),
                on_create=lambda: create_channel_dialog(ctx, self.open_channel),
                on_new_dm=lambda: direct_message_dialog(ctx, self.open_channel),
                on_counts=self._counts_changed,
            )
            self.notifier = Notifier()
        self.columns = ui.row().classes('w-full no-wrap gap-0')
        with self.columns, ui.column().classes('grow min-w-0 gap-0 items-stretch'):
            self.pane = ChannelPane(
                ctx,
                on_open_thread=self.open_thread,
                channel_names=self.sidebar.channel_names,
                on_access_lost=self._channel_gone,
            )
        # The side panels are built when first opened: most tabs never open them, and every element a tab
        # holds costs memory and garbage-collector time for as long as the tab is open.
        self._thread: ThreadPanel | None = None
        self._people: PeoplePanel | None = None
        self.panels = SidePanels()
        with self.pane.header_start:
            toggle = ui.button(icon='menu', on_click=drawer.toggle).classes('lt-md')
            toggle.props('flat dense data-testid=toggle-sidebar')
        with self.pane.header_end:
            self.search = SearchBox(
                ctx,
                panel_parent=self.columns,
                on_pick=self.open_search_hit,
                on_open=lambda: self.panels.make_room_for('search'),
            )
            people = ui.button(icon='group', on_click=self.toggle_people).mark('open-people')
            people.props('flat round dense data-testid=open-people')
            self.channel_menu = ChannelMenu(
                ctx, self.store, self.pane, on_changed=lambda channel_id: self.open_channel(channel_id, push=False)
            )
        self.panels.add('thread', self.close_thread)
        self.panels.add('people', self._close_people)
        self.panels.add('search', self.search.close)
        self.missing = ui.label('').classes('absolute-center text-lg').props('data-testid=not-found')
        self.missing.set_visibility(False)
        self._connected_once = False
        presence_store.track_client(ctx.user_id, client)
        client.on_connect(self._on_connect)
        bus.subscribe(user_topic(ctx.user_id), self._on_user_event)
        bus.subscribe(workspace_topic(ctx.workspace_id), self._on_workspace_event)
        self.store.on_message(self._notify)
        self.store.on_change(self._conversations_changed)
        self._update_title()

    def _sidebar_header(self) -> None:
        ctx = self.ctx
        with ui.row().classes('w-full items-center px-4 pt-3 pb-2 no-wrap'):
            on_apps = (lambda: apps_dialog(ctx)) if ctx.is_admin else None
            self.switcher = workspace_switcher(ctx.user_id, ctx.workspace_slug, ctx.workspace_label, on_apps)
            self.switcher.props('color=white').classes('text-lg font-bold')
        with ui.row().classes('w-full items-center px-4 pb-2 gap-2 no-wrap'):
            PresenceDot(ctx.user_id)
            ui.label(ctx.user_name).classes('text-sm truncate grow').props('data-testid=current-user')
            ui.button(icon='mood', on_click=lambda: status_dialog(ctx)).props(
                'flat round dense size=sm color=white data-testid=set-status'
            ).props('title="Set your status"')
            if ctx.is_admin:
                ui.button(icon='person_add', on_click=lambda: ui.navigate.to(f'/w/{ctx.workspace_slug}/invites')).props(
                    'flat round dense size=sm color=white data-testid=open-invites'
                ).props('title="Invite people"')
            logout = logout_button().props('color=white round dense size=sm')
            logout.set_text('')
            logout.props('title="Log out"')

    def start(self, *, channel_id: int | None, message_id: int | None, root_id: int | None) -> None:
        if channel_id is None:
            general = general_channel(self.ctx.workspace_id)
            channel_id = general.id if general is not None else None
            if self.ctx.is_guest:  # guests are not in #general: open the first channel they were given
                entries = self.store.entries()
                channel_id = entries[0].id if entries else None
        opened = channel_id is not None and self.open_channel(channel_id, highlight_id=message_id, push=False)
        if opened and channel_id is not None and root_id is not None:
            self.open_thread(channel_id, root_id)

    def _on_connect(self) -> None:
        if self._connected_once:
            # A reconnect: whatever NiceGUI replayed, catch up from the database (rule 4).
            self.store.reload()
            self.pane.catch_up()
            if self._thread is not None:
                self._thread.catch_up()
        self._connected_once = True

    def _on_user_event(self, event: Event) -> None:
        shown = self.pane.channel
        if isinstance(event, ReadPositionMoved) and shown is not None and event.channel_id == shown.id:
            self.pane.list.read_position(event.last_read_message_id)  # read in another tab of this user
        elif isinstance(event, ChannelUpdated):
            self._channel_changed(event.channel)  # private channels and DMs are announced per member
        elif isinstance(event, EphemeralPosted):
            self._show_ephemeral(event.message)

    def _show_ephemeral(self, view: EphemeralView) -> None:
        """Only this person's tabs get it (user topic); it shows where it was said, if that is open here."""
        thread = self._thread
        if view.thread_root_id is not None and thread is not None and thread.root_id == view.thread_root_id:
            thread.list.ephemeral(view)
        elif view.thread_root_id is None and self.pane.channel is not None and self.pane.channel.id == view.channel_id:
            self.pane.list.ephemeral(view)

    def _on_workspace_event(self, event: Event) -> None:
        if (isinstance(event, MemberJoined) and event.channel_id is None) or isinstance(event, UserChanged):
            self._set_person(event.user.id, event.user.display_name)
        elif isinstance(event, ChannelUpdated):
            self._channel_changed(event.channel)  # public channels are announced to the workspace
        elif isinstance(event, WorkspaceImported):
            self._use_roster(roster_store.reload(self.ctx.workspace_id))  # people arrived in bulk
        elif isinstance(event, WorkspaceSettingsChanged):
            self.ctx.workspace_name, self.ctx.workspace_icon = event.name, event.icon_emoji
            self.switcher.set_text(self.ctx.workspace_label)
            self._update_title()

    def _channel_changed(self, view: ChannelView) -> None:
        if self.pane.channel is not None and view.id == self.pane.channel.id:
            self._channel_updated(view)

    def _set_person(self, user_id: int, name: str) -> None:
        self._use_roster(roster_store.person_changed(self.ctx.workspace_id, user_id, name))

    def _use_roster(self, updated: roster_store.Roster) -> None:
        if updated is self.ctx.roster:
            return
        self.ctx.roster = updated
        self.pane.list.set_people(self.ctx.people_pairs)
        if self._thread is not None:
            self._thread.list.set_people(self.ctx.people_pairs)
        self._refresh_suggestions()

    # ---- navigation -----------------------------------------------------------------------------------------

    def open_channel(self, channel_id: int, *, highlight_id: int | None = None, push: bool = True) -> bool:
        access = readable_channel(self.ctx.user_id, self.ctx.workspace_id, channel_id)
        view = queries.channel_view(channel_id) if access is not None else None
        if access is None or view is None:
            self._show_missing()
            return False
        self.missing.set_visibility(False)
        self.pane.root.set_visibility(True)
        self.pane.show(view, is_member=access.is_member, label=self._label(view), highlight_id=highlight_id)
        self.sidebar.set_active(channel_id)
        self._update_title()
        if self._thread is not None and self._thread.is_open and self._thread.channel_id != channel_id:
            self._thread.close()
        if push:
            ui.navigate.history.push(self.ctx.channel_url(channel_id))
        return True

    def _show_missing(self) -> None:
        self.missing.text = 'Channel not found.'
        self.missing.set_visibility(True)
        self.pane.root.set_visibility(False)

    def _channel_gone(self) -> None:
        """The pane's channel may no longer be read (left, removed): nothing of it stays on screen."""
        self._show_missing()
        if self._thread is not None and self._thread.is_open:
            self._thread.close()
        self._update_title()

    def _thread_panel(self) -> ThreadPanel:
        if self._thread is None:
            with self.columns:
                self._thread = ThreadPanel(self.ctx, on_close=self.close_thread)
        return self._thread

    def _people_panel(self) -> PeoplePanel:
        if self._people is None:
            with self.columns:
                self._people = PeoplePanel(self.ctx, on_message=self.message_person, on_close=self.toggle_people)
        return self._people

    def _close_people(self) -> None:
        if self._people is not None and self._people.is_open:
            self._people.close()

    def toggle_people(self) -> None:
        if self._people is not None and self._people.is_open:
            self._people.close()
            return
        self.panels.make_room_for('people')
        self._people_panel().open()

    def open_search_hit(self, hit: SearchHit) -> None:
        """Show a search result in place, as its permalink would: the channel around it, a reply in its thread."""
        if not self.open_channel(hit.channel_id, highlight_id=hit.message_id, push=False):
            return
        ui.navigate.history.push(f'{self.ctx.channel_url(hit.channel_id)}/m/{hit.message_id}')
        if hit.thread_root_id is not None:
            self.open_thread(hit.channel_id, hit.thread_root_id)
            if self._thread is not None:
                self._thread.list.highlight(hit.message_id)

    def message_person(self, user_id: int) -> None:
        if user_id == self.ctx.user_id:
            return
        try:
            channel = channel_actions.open_direct(self.ctx.user_id, self.ctx.workspace_id, [user_id])
        except ActionError as error:
            ui.notify(error.message, type='warning')
            return
        self._close_people()
        self.open_channel(channel.id)

    def _counts_changed(self, entry: ChannelEntry | None = None) -> None:
        self._update_title()

    def _notify(self, event: MessageCreated) -> None:
        """A browser notification for what concerns this user, per the conversation's level; busy silences."""
        message = event.message
        entry = self.store.entry(message.channel_id)
        reason = notification_reason(event, entry, self.ctx.user_id)
        if entry is None or reason is None or presence_store.status_of(self.ctx.user_id) == 'busy':
            return
        title = f'{message.author_name} {reason} {entry_label(entry)}'
        url = (
            self.ctx.thread_url(entry.id, message.thread_root_id)
            if message.thread_root_id
            else self.ctx.channel_url(entry.id)
        )
        self.notifier.show(title, message.body[:200], url)

    def _update_title(self) -> None:
        entries = [e for e in self.store.entries() if not e.muted]
        unread = sum(e.unread_count for e in entries)
        mentions = sum(e.mention_count for e in entries)
        prefix = f'({mentions}) ' if mentions else ('* ' if unread else '')
        self.title.set(f'{prefix}{self.pane.label or self.ctx.workspace_name} · {self.ctx.workspace_name}')

    def open_thread(self, channel_id: int, root_id: int) -> None:
        channel = self.pane.channel
        read_only = channel is None or channel.archived or not self.pane.is_member
        self.panels.make_room_for('thread')
        if not self._thread_panel().open(channel_id, root_id, channel_label=self.pane.label, read_only=read_only):
            ui.notify('That thread does not exist here.', type='warning')
            return
        ui.navigate.history.replace(self.ctx.thread_url(channel_id, root_id))

    def close_thread(self) -> None:
        if self._thread is None or not self._thread.is_open:
            return
        self._thread.close()
        if self.pane.channel is not None:
            ui.navigate.history.replace(self.ctx.channel_url(self.pane.channel.id))

    # ---- the open channel's label and suggestions -----------------------------------------------------------

    def _label(self, view: ChannelView) -> str:
        entry = self.store.entry(view.id)
        if entry is not None:
            return entry_label(entry)
        return f'#{view.name}' if view.name else 'Direct message'

    def _channel_updated(self, view: ChannelView) -> None:
        self.pane.refresh_channel(view, self._label(view))

    def _conversations_changed(self) -> None:
        if self.ctx.is_guest:  # a guest sees the people of their channels: joining one widens that
            self.ctx.guest_sees = visible_people_ids(self.ctx.workspace_id, self.ctx.user_id)
            self.pane.list.set_people(self.ctx.people_pairs)
        self._refresh_suggestions()

    def _refresh_suggestions(self) -> None:
        members = self.ctx.mention_people
        self.pane.composer.set_suggestions(members=members, channels=self.sidebar.channel_names())
        if self._thread is not None:
            self._thread.composer.set_suggestions(members=members, channels=[])
