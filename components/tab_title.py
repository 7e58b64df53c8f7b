"""The tab title, set through a prop (ui.page_title would send the text inside JavaScript code)."""

from __future__ import annotations

from nicegui import ui


class TabTitle(ui.element, component='tab_title.js'):
    def set(self, title: str) -> None:
        if self.props.get('title') != title:  # unread counts move often; the title text changes rarely
            self.props['title'] = title
            self.update()
