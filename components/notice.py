"""A centred card with a title, a message and a way back: for "not found", "not allowed" and bad links."""

from __future__ import annotations

from nicegui import ui


def notice_card(
    title: str, message: str, *, testid: str, back_url: str = '/', back_text: str = 'Go to Teamchat'
) -> None:
    with ui.column().classes('w-full items-center pt-16'), ui.card().classes('w-96 max-w-full p-6 gap-3'):
        ui.label(title).classes('text-xl font-semibold')
        ui.label(message).props(f'data-testid={testid} role=alert').mark(testid)
        ui.link(back_text, back_url)
