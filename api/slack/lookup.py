"""Resolve the ids a caller sends into things they may see, in the token's workspace only.

A token is bound to one workspace, while actions know only users; so every conversation is first checked
here against the token's workspace (`readable_channel`), and every `ts` against its conversation.
Anything else answers Slack's "not found" codes, never an error page.
"""

from __future__ import annotations

from api.slack.errors import SlackError
from api.slack.ids import channel_id_of, message_id_of
from db.view_builders import message_view
from state.access import ChannelAccess, readable_channel
from state.actions.tokens import TokenIdentity
from state.events import MessageView


def conversation(me: TokenIdentity, channel: str) -> ChannelAccess:
    channel_id = channel_id_of(channel)
    access = readable_channel(me.user_id, me.workspace_id, channel_id) if channel_id is not None else None
    if access is None:
        raise SlackError('channel_not_found')
    return access


def message_in(access: ChannelAccess, ts: str, *, missing: str = 'message_not_found') -> MessageView:
    """The message `ts` names in this conversation (a deleted thread root shows as its placeholder)."""
    message_id = message_id_of(ts)
    view = message_view(message_id) if message_id is not None else None
    if view is None or view.channel_id != access.channel.id:
        raise SlackError(missing)
    return view
