"""Our stylesheets, served as files under URLs that change with their content (pages/assets.py).

A tab links them (a few bytes in its page) instead of carrying their text: `ui.add_css` copies the whole
sheet into every client and every page it sends (about 14 KB per tab for chat.css), and the browser could not
cache it.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass
from pathlib import Path

from nicegui import ui
from nicegui.client import Client

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Stylesheet:
    text: str
    url: str

    @classmethod
    def of(cls, path: Path) -> Stylesheet:
        text = path.read_text()
        return cls(text, f'/assets/{path.stem}-{hashlib.sha256(text.encode()).hexdigest()[:12]}.css')


CHAT = Stylesheet.of(HERE / 'chat.css')
ATTACHMENTS = Stylesheet.of(HERE / 'attachments.css')
ALL = (CHAT, ATTACHMENTS)


_linked: weakref.WeakKeyDictionary[Client, set[str]] = weakref.WeakKeyDictionary()


def link(sheet: Stylesheet) -> None:
    """Add the sheet to the current page, once per tab (also after the page was sent: a panel built later)."""
    linked = _linked.setdefault(ui.context.client, set())
    if sheet.url not in linked:
        linked.add(sheet.url)
        ui.add_head_html(f'<link rel="stylesheet" href="{sheet.url}">')
