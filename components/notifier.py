"""Server side of browser notifications: one element per tab."""

from __future__ import annotations

from nicegui import ui

from components.client_calls import call_method


class Notifier(ui.element, component='notifier.js'):
    def show(self, title: str, body: str, url: str) -> None:
        call_method(self, 'show', title[:120], body[:240], url)
