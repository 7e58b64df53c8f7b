"""Resolve the ids a caller sends into things they may see, in the token's workspace only.

A token is bound to one workspace, while actions know only users; so every conversation is first checked
here against the token's workspace (`readable_channel`), and every `ts` against its conversation.
Anything else answers Slack's "not found" codes, never an error page.

A `channel` argument may be, as Slack takes it, a conversation id (`C…`, `G…`, `D…`), a channel name with or
without `#`, or a person's id (`U…`: the direct message with them, opened if it does not exist yet).
"""

from __future__ import annotations

from api.slack.errors import SlackError
from api.slack.ids import channel_id_of, ts_us_of, user_id_of
from db.api_queries import channel_id_named, message_id_at
from db.view_builders import message_view
from state.access import ChannelAccess, readable_channel
from state.actions.channels import open_direct
from state.actions.tokens import TokenIdentity
from state.errors import NotFound
from state.events import MessageView
from state.render.refs import CHANNEL_NAME_RE


def conversation(me: TokenIdentity, channel: str) -> ChannelAccess:
    channel_id = _channel_id(me, channel.strip()) if isinstance(channel, str) else None
    access = readable_channel(me.user_id, me.workspace_id, channel_id) if channel_id is not None else None
    if access is None:
        raise SlackError('channel_not_found')
    return access


def _channel_id(me: TokenIdentity, channel: str) -> int | None:
    # Names are lower case and our ids upper case, so a lower-case word is only ever a name (`cats` also
    # decodes as a base-36 id, which must not post to whichever channel has that number).
    name = channel.removeprefix('#')
    if channel.startswith('#') or CHANNEL_NAME_RE.fullmatch(channel):
        return channel_id_named(me.workspace_id, name) if CHANNEL_NAME_RE.fullmatch(name) else None
    if channel[:1] in ('U', 'W'):
        return _direct_with(me, user_id_of(channel))
    return channel_id_of(channel)


def _direct_with(me: TokenIdentity, user_id: int | None) -> int | None:
    """The DM between the caller and this person (Slack's chat.postMessage to a user id does the same)."""
    if user_id is None:
        return None
    try:
        return open_direct(me.user_id, me.workspace_id, [user_id]).id
    except NotFound:  # not a person of this workspace (or not active): nothing to talk to
        return None


def message_in(access: ChannelAccess, ts: str, *, missing: str = 'message_not_found') -> MessageView:
    """The message `ts` names in this conversation (a deleted thread root shows as its placeholder)."""
    ts_us = ts_us_of(ts)
    message_id = message_id_at(access.channel.id or 0, ts_us) if ts_us is not None else None
    view = message_view(message_id) if message_id is not None else None
    if view is None or view.channel_id != access.channel.id:
        raise SlackError(missing)
    return view
