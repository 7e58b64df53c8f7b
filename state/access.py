"""Who may read what. Actions authorize writes themselves; views ask here before showing anything."""

from __future__ import annotations

from dataclasses import dataclass

from db.authz import readable_in_session
from db.engine import read_session
from db.models import Channel


@dataclass(frozen=True)
class ChannelAccess:
    channel: Channel
    is_member: bool


def readable_channel(user_id: int, workspace_id: int, channel_id: int) -> ChannelAccess | None:
    """The channel when `user_id` may read it: a member, or (public channels) a member of its workspace.

    None for anything else — unknown ids, another workspace's channels, private channels and DMs of others —
    so a forged id tells nothing about what exists.
    """
    with read_session() as session:
        readable = readable_in_session(session, user_id, channel_id)  # forged ids included: None
    if readable is None or readable[0].workspace_id != workspace_id:
        return None
    channel, member = readable
    return ChannelAccess(channel, is_member=member is not None)
