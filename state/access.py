"""Who may read what. Actions authorize writes themselves; views ask here before showing anything."""

from __future__ import annotations

from dataclasses import dataclass

from db.engine import read_session
from db.models import Channel, ChannelKind, ChannelMember, WorkspaceMember, fits_id


@dataclass(frozen=True)
class ChannelAccess:
    channel: Channel
    is_member: bool


def readable_channel(user_id: int, workspace_id: int, channel_id: int) -> ChannelAccess | None:
    """The channel when `user_id` may read it: a member, or (public channels) a member of its workspace.

    None for anything else — unknown ids, another workspace's channels, private channels and DMs of others —
    so a forged id tells nothing about what exists.
    """
    if not fits_id(channel_id):
        return None  # a forged id no database column can hold
    with read_session() as session:
        channel = session.get(Channel, channel_id)
        if channel is None or channel.workspace_id != workspace_id:
            return None
        if session.get(ChannelMember, (channel_id, user_id)) is not None:
            return ChannelAccess(channel, is_member=True)
        if channel.kind == ChannelKind.PUBLIC and session.get(WorkspaceMember, (workspace_id, user_id)) is not None:
            return ChannelAccess(channel, is_member=False)
    return None
