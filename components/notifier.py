"""Server side of browser notifications: one element per tab."""

from __future__ import annotations

from nicegui import ui

from components.client_calls import call_method
from db.models import DIRECT_KINDS
from state.events import MessageCreated
from state.stores.sidebar import ChannelEntry


def notification_reason(event: MessageCreated, entry: ChannelEntry | None, user_id: int) -> str | None:
    """Why this message deserves a notification ("mentioned you in", ...), or None when it does not."""
    message = event.message
    if entry is None or entry.muted or entry.notification_level == 'nothing' or message.author_id == user_id:
        return None
    in_channel = message.thread_root_id is None or message.also_in_channel
    if user_id in event.mentioned_user_ids or (event.mentions_all and in_channel):
        return 'mentioned you in'
    if entry.kind in DIRECT_KINDS:
        return 'wrote in' if in_channel else 'replied in a thread in'
    if not in_channel:
        return 'replied in a thread in'  # it reached this user because they follow the thread
    if entry.notification_level == 'all':
        return 'wrote in'
    return None


class Notifier(ui.element, component='notifier.js'):
    def show(self, title: str, body: str, url: str) -> None:
        call_method(self, 'show', title[:120], body[:240], url)
