"""The search results panel on the right (where the thread and people panels open), built on first use.

The list itself is one browser-side element (search_results.js) fed the hits as data. A click answers with
a message id, which is looked up among the hits this panel was given; anything else is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.events import GenericEventArguments

from components.event_args import id_arg
from db.search_queries import SearchHit


def hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        'id': hit.message_id,
        'where': hit.channel_label,
        'root': hit.thread_root_id,
        'author': hit.author_name,
        'at': hit.created_at.isoformat(),
        'snippet': hit.snippet_html,
    }


class SearchResults(ui.element, component='search_results.js'):
    def show(self, hits: list[SearchHit], *, more: bool, error: str = '') -> None:
        self.props['hits'] = [hit_json(hit) for hit in hits]
        self.props['searched'] = True
        self.props['more'] = more
        self.props['error'] = error
        self.update()


class SearchPanel:
    def __init__(
        self, *, on_pick: Callable[[SearchHit], None], on_more: Callable[[], None], on_close: Callable[[], None]
    ) -> None:
        self.on_pick = on_pick
        self.hits: list[SearchHit] = []
        with ui.element('div').classes('chat-thread chat-search').props('data-testid=search-panel') as self.root:
            with ui.element('div').classes('chat-header'):
                ui.label('Search').classes('chat-header__name')
                self.summary = ui.label('').classes('chat-header__topic').props('data-testid=search-summary')
                ui.space()
                ui.button(icon='close', on_click=on_close).props('flat round dense data-testid=search-close')
            self.results = SearchResults()
        self.results.on('pick', self._pick)
        self.results.on('more', lambda _: on_more())

    @property
    def is_open(self) -> bool:
        return self.root.visible

    def open(self, query: str) -> None:
        self.summary.text = query
        self.root.classes(remove='chat-search--picked')
        self.root.set_visibility(True)

    def close(self) -> None:
        self.root.set_visibility(False)
        self.hits = []
        self.results.show([], more=False)

    def show(self, hits: list[SearchHit], *, more: bool, append: bool = False) -> None:
        self.hits = [*self.hits, *hits] if append else list(hits)
        self.results.show(self.hits, more=more)

    def error(self, message: str) -> None:
        self.hits = []
        self.results.show([], more=False, error=message)

    def _pick(self, e: GenericEventArguments) -> None:
        message_id = id_arg(e)
        hit = next((hit for hit in self.hits if hit.message_id == message_id), None)
        if hit is None:
            return  # not one of the results this tab was shown
        self.root.classes(add='chat-search--picked')  # on phones the panel covers the page: step aside
        self.on_pick(hit)
