"""The search input in the channel header. Enter searches; the results panel is built the first time.

A tab that never searches holds only the input. Searching goes through the search action (validation,
membership, rate limit); its refusals show in the panel as sentences.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.events import GenericEventArguments

from components.search_panel import SearchPanel
from components.shell_context import ShellContext
from db.search_queries import SearchHit
from state.actions.search import MAX_QUERY_CHARS, search
from state.errors import ActionError


class SearchBox:
    def __init__(
        self,
        ctx: ShellContext,
        *,
        panel_parent: ui.element,
        on_pick: Callable[[SearchHit], None],
        on_open: Callable[[], None],
    ) -> None:
        self.ctx = ctx
        self.panel_parent = panel_parent
        self.on_pick = on_pick
        self.on_open = on_open  # the shell closes the other side panels
        self.panel: SearchPanel | None = None
        self.query = ''
        self.next_before_id: int | None = None
        self.input = ui.input(placeholder='Search').classes('chat-search-input').mark('search-input')
        self.input.props(f'dense outlined maxlength={MAX_QUERY_CHARS} data-testid=search-input type=search')
        # The browser sends the text with the key press (so the search never runs on a stale value), but not while an
        # input method is still composing a word.
        self.input.on('keydown.enter', self._submit, js_handler='(e) => { if (!e.isComposing) emit(e.target.value); }')

    def _submit(self, e: GenericEventArguments) -> None:
        self.run(e.args if isinstance(e.args, str) else '')

    def run(self, query: str) -> None:
        panel = self._panel()
        self.on_open()
        panel.open(query.strip())
        self.query = query
        try:
            page = search(self.ctx.user_id, self.ctx.workspace_id, query)
        except ActionError as error:
            panel.error(error.message)
            return
        self.next_before_id = page.next_before_id
        panel.show(page.hits, more=page.next_before_id is not None)

    def close(self) -> None:
        if self.panel is not None and self.panel.is_open:
            self.panel.close()

    def _more(self) -> None:
        if self.panel is None or self.next_before_id is None:
            return
        try:
            page = search(self.ctx.user_id, self.ctx.workspace_id, self.query, before_id=self.next_before_id)
        except ActionError as error:
            ui.notify(error.message, type='warning')
            return
        self.next_before_id = page.next_before_id
        self.panel.show(page.hits, more=page.next_before_id is not None, append=True)

    def _panel(self) -> SearchPanel:
        if self.panel is None:
            with self.panel_parent:
                self.panel = SearchPanel(on_pick=self.on_pick, on_more=self._more, on_close=self.close)
        return self.panel
