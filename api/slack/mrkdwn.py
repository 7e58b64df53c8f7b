"""Slack's markup from programs (Web API, webhooks, command answers): our own `U…`/`C…` ids, decoded here.

The translation itself is shared with the Slack import (`state/integrations/slack_markup.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from api.slack.ids import channel_id_of, user_id_of
from state.integrations.slack_markup import MAX_BLOCKS, attachments_text, blocks_text, translate

__all__ = ['MAX_BLOCKS', 'attachments_text', 'blocks_text', 'to_markup']


def to_markup(
    text: str, name_of: Callable[[int], str | None], channel_name_of: Callable[[int], str | None] | None = None
) -> str:
    """Slack markup -> ours; `name_of(user_id)` gives a person's display name (None when not theirs to name),
    `channel_name_of(channel_id)` a channel's name for a `<#C…>` without its `|name`."""

    def person(sid: str) -> str | None:
        user_id = user_id_of(sid)
        return name_of(user_id) if user_id is not None else None

    def channel(sid: str) -> str | None:
        channel_id = channel_id_of(sid)
        return channel_name_of(channel_id) if channel_name_of is not None and channel_id is not None else None

    return translate(text, person, channel if channel_name_of is not None else None)
