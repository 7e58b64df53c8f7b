"""The views that db/ queries build and events carry: compact, frozen shapes of what the browser shows.

They live here, below state/, because the read queries build them; `state/events.py` carries them in events
(and the Redis bus serializes them as JSON), so a subscriber can forward them without another query.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from db.models import ChannelKind


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReactionView(Frozen):
    emoji: str  # shortcode without colons
    count: int
    user_ids: tuple[int, ...]


class AttachmentView(Frozen):
    id: str  # public id used in URLs
    name: str
    size: int
    mime: str
    width: int | None = None
    height: int | None = None
    has_thumbnail: bool = False


class MessageView(Frozen):
    """A message as every viewer sees it (per-viewer bits, like "is this mine", are derived in the browser)."""

    id: int
    channel_id: int
    thread_root_id: int | None
    author_id: int
    author_name: str
    html: str
    body: str
    created_at: datetime
    ts_us: int  # the send time in microseconds, unique per channel: Slack's `ts` (api/slack/ids.py)
    edited_at: datetime | None = None
    deleted: bool = False
    also_in_channel: bool = False
    client_msg_id: str | None = None
    reply_count: int = 0
    last_reply_at: datetime | None = None
    reply_user_ids: tuple[int, ...] = ()
    reactions: tuple[ReactionView, ...] = ()
    attachments: tuple[AttachmentView, ...] = ()


class ChannelView(Frozen):
    id: int
    workspace_id: int
    kind: ChannelKind
    name: str | None
    topic: str = ''
    purpose: str = ''
    archived: bool = False
    member_ids: tuple[int, ...] = ()  # filled for direct and group conversations only


class UserView(Frozen):
    id: int
    display_name: str
    status_text: str = ''
    status_emoji: str = ''
    avatar_version: int = 0  # 0: no picture (state/files/avatar_store.py)


class BookmarkView(Frozen):
    """A link under a channel's header (Slack's bookmark)."""

    id: int
    channel_id: int
    title: str
    link: str
    emoji: str  # canonical shortcode without colons, or ''
    created_by: int | None
    created_at: datetime
    updated_at: datetime
