"""The channel's bookmarks: a row of links under the channel header, replaced whole on `BookmarksChanged`.

Links were checked to be http(s) when they were saved (`state/actions/bookmarks.py`); they open in a new tab
with no referrer. Titles are text, never HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui

from state.events import BookmarkView
from state.render.emoji import emoji_for


class BookmarkBar:
    def __init__(self) -> None:
        self.root = ui.row().classes('chat-bookmarks items-center gap-3 px-4 py-1 text-sm')
        self.root.props('data-testid=bookmark-bar')
        self.root.set_visibility(False)

    def show(self, bookmarks: Sequence[BookmarkView]) -> None:
        self.root.clear()
        self.root.set_visibility(bool(bookmarks))
        with self.root:
            for bookmark in bookmarks:
                label = f'{emoji_for(bookmark.emoji) or ""} {bookmark.title}'.strip()
                link = ui.link(label, bookmark.link, new_tab=True).classes('chat-bookmarks__link')
                # Set as values, not a props string: user text is never parsed as attribute syntax.
                link.props['data-testid'] = 'bookmark'
                link.props['data-title'] = bookmark.title
                link.props['rel'] = 'noopener noreferrer'
