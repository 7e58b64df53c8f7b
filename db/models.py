"""SQLModel tables: the durable source of truth. Schema changes go through an Alembic migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Ids are 64-bit on PostgreSQL as they are on SQLite, so both accept the same ids: with a 32-bit column a forged
# id above 2**31 in a URL would be a database error on PostgreSQL instead of "not found". On SQLite the key must
# stay INTEGER to be the rowid. Every id and foreign-key column uses this type.
ID = BigInteger().with_variant(Integer(), 'sqlite')
MAX_ID = 2**63 - 1  # the largest id either database can hold
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def fits_id(value: int) -> bool:
    """Whether `value` can be an id at all; a forged one outside the column's range is simply not found."""
    return 0 < value <= MAX_ID


def utcnow() -> datetime:
    return datetime.now(UTC)  # SQLModel's UTCDateTime stores aware datetimes and returns them in UTC


def epoch_us(moment: datetime | None = None) -> int:
    """Microseconds since the Unix epoch of `moment` (naive means UTC), or of now."""
    moment = moment or utcnow()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(microseconds=1)


class WorkspaceRole(StrEnum):
    OWNER = 'owner'
    ADMIN = 'admin'
    MEMBER = 'member'
    GUEST = 'guest'


class ChannelKind(StrEnum):
    PUBLIC = 'public'
    PRIVATE = 'private'
    DIRECT = 'direct'
    GROUP = 'group'


DIRECT_KINDS = (ChannelKind.DIRECT, ChannelKind.GROUP)  # conversations between people, not channels
# Bot users' e-mail domain (RFC 2606: it can never receive mail or collide with a person's address).
BOT_EMAIL_DOMAIN = 'bots.invalid'
# Stored in place of a hash for accounts that cannot log in with a password: bots, and imported people until
# they claim their account through an invitation to their address.
UNUSABLE_PASSWORD = '!'


class NotificationLevel(StrEnum):
    ALL = 'all'
    MENTIONS = 'mentions'
    NOTHING = 'nothing'


class User(SQLModel, table=True):
    __tablename__ = 'users'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_active_at: datetime | None = None
    # Manual presence and custom status (the live presence itself is in-memory, see state/stores).
    manual_status: str | None = Field(default=None, max_length=16)  # 'away' | 'busy' | None
    manual_status_expires_at: datetime | None = None
    status_text: str = Field(default='', max_length=100)
    status_emoji: str = Field(default='', max_length=64)
    status_expires_at: datetime | None = None
    send_read_receipts: bool = True
    # Digest e-mails about unread mentions, DMs and followed threads while offline (docs/email.md).
    email_notifications: bool = True
    # Operators of this server (not of one workspace): they may open the live inspector at /admin/live.
    is_server_admin: bool = False
    # Profile (state/actions/profile_fields.py, avatars.py). time_zone '' = not known yet (the browser reports it).
    full_name: str = Field(default='', max_length=80)
    title: str = Field(default='', max_length=100)
    pronouns: str = Field(default='', max_length=40)
    time_zone: str = Field(default='', max_length=64)
    # 0 = no picture (identicon / initials); else the stored version, part of every avatar URL (cache busting).
    avatar_version: int = Field(default=0, sa_type=BigInteger)


class UserSession(SQLModel, table=True):
    """A logged-in browser session. Pages check it on build; logout revokes it and closes its pages."""

    __tablename__ = 'user_sessions'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key='users.id', index=True, ondelete='CASCADE', sa_type=ID)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class Workspace(SQLModel, table=True):
    __tablename__ = 'workspaces'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    name: str = Field(max_length=80)
    slug: str = Field(max_length=80, unique=True, index=True)
    created_by: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    created_at: datetime = Field(default_factory=utcnow)
    # Extra MIME types the admins allow for uploads beyond the built-in allow-list (comma separated).
    extra_upload_types: str = Field(default='', max_length=2000)


class WorkspaceSettings(SQLModel, table=True):
    """A workspace's policies, set by its owners and admins (state/actions/workspace_settings.py); a
    workspace without a row has the defaults below."""

    __tablename__ = 'workspace_settings'

    workspace_id: int = Field(foreign_key='workspaces.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    icon_emoji: str = Field(default='', max_length=64)  # shown beside the workspace name; '' = initials
    default_channel_ids: str = Field(default='', max_length=2000)  # "3,7": joined by every newcomer
    channel_creators: str = Field(default='everyone', max_length=16)  # 'everyone' | 'admins'
    edit_window_minutes: int = 0  # how long after sending an author may edit; 0 = always
    delete_others: str = Field(default='admins', max_length=16)  # 'admins' | 'nobody'
    max_upload_bytes: int | None = None  # None = the server's limit; never above it


class WorkspaceMember(SQLModel, table=True):
    __tablename__ = 'workspace_members'

    workspace_id: int = Field(foreign_key='workspaces.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    user_id: int = Field(foreign_key='users.id', primary_key=True, index=True, ondelete='CASCADE', sa_type=ID)
    role: WorkspaceRole = Field(default=WorkspaceRole.MEMBER, sa_type=String(16))
    joined_at: datetime = Field(default_factory=utcnow)
    # Set by an admin (state/actions/members.py): the person stays in the roster and their messages stay, but
    # they can read and do nothing in this workspace until reactivated.
    deactivated_at: datetime | None = None


class Invite(SQLModel, table=True):
    __tablename__ = 'invites'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', index=True, ondelete='CASCADE', sa_type=ID)
    token_hash: str = Field(max_length=64, unique=True, index=True)  # sha256 of the random token in the link
    created_by: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    max_uses: int = Field(default=1, ge=1)
    uses: int = 0
    revoked: bool = False
    # A guest invite makes guests who see only these channels ("3,7"); a member invite ignores them.
    role: WorkspaceRole = Field(default=WorkspaceRole.MEMBER, sa_type=String(16))
    channel_ids: str = Field(default='', max_length=2000)
    # The address an invitation was made for (e-mailed or bound by hand). Only such an invite may claim the
    # password-less account of that address (an imported person, state/actions/claims.py).
    email: str | None = Field(default=None, max_length=254)


class Channel(SQLModel, table=True):
    __tablename__ = 'channels'
    __table_args__ = (
        UniqueConstraint('workspace_id', 'name', name='uq_channel_workspace_name'),
        UniqueConstraint('workspace_id', 'dm_key', name='uq_channel_workspace_dm_key'),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', index=True, ondelete='CASCADE', sa_type=ID)
    kind: ChannelKind = Field(default=ChannelKind.PUBLIC, sa_type=String(16))
    # Public and private channels have a unique lowercase name; DMs have none (NULLs never collide).
    name: str | None = Field(default=None, max_length=80)
    # Sorted member ids ("3,7,9") of a DM or group DM, so the same people always get the same conversation.
    dm_key: str | None = Field(default=None, max_length=200)
    topic: str = Field(default='', max_length=250)
    purpose: str = Field(default='', max_length=250)  # Slack's channel description, shown beside the topic
    archived: bool = False
    created_by: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    created_at: datetime = Field(default_factory=utcnow)
    # Newest top-level message id, kept by the send action, so unread state needs no scan.
    last_message_id: int = Field(default=0, sa_type=ID)


class ChannelMember(SQLModel, table=True):
    __tablename__ = 'channel_members'

    channel_id: int = Field(foreign_key='channels.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    user_id: int = Field(foreign_key='users.id', primary_key=True, index=True, ondelete='CASCADE', sa_type=ID)
    joined_at: datetime = Field(default_factory=utcnow)
    last_read_message_id: int = Field(default=0, sa_type=ID)
    # Channels notify on mentions (and followed threads) unless set to all; DMs notify unless set to nothing.
    notification_level: NotificationLevel = Field(default=NotificationLevel.MENTIONS, sa_type=String(16))
    muted: bool = False


class Message(SQLModel, table=True):
    __tablename__ = 'messages'
    __table_args__ = (
        UniqueConstraint('author_id', 'client_msg_id', name='uq_message_author_client_msg_id'),
        Index('ix_messages_channel_id_id', 'channel_id', 'id'),
        Index('ix_messages_thread_root_id_id', 'thread_root_id', 'id'),
        Index('ix_messages_channel_id_ts_us', 'channel_id', 'ts_us', unique=True),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)  # server-assigned order; never client clocks
    channel_id: int = Field(foreign_key='channels.id', ondelete='CASCADE', sa_type=ID)
    author_id: int = Field(foreign_key='users.id', index=True, sa_type=ID)
    thread_root_id: int | None = Field(default=None, foreign_key='messages.id', ondelete='CASCADE', sa_type=ID)
    # A thread reply that was also sent to the channel shows in the channel list too.
    also_in_channel: bool = False
    body: str = Field(sa_column=Column(Text, nullable=False))  # the author's source text
    html: str = Field(sa_column=Column(Text, nullable=False))  # rendered once, at write time
    client_msg_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    # The send time in microseconds, unique and increasing per channel: Slack's `ts`. The send action sets it
    # (state/actions/messages.py); the default serves rows made directly (tests), the server default only the
    # migration that added the column to a table with rows (SQLite cannot add NOT NULL without one).
    ts_us: int = Field(default_factory=epoch_us, sa_column_kwargs={'server_default': '0'}, sa_type=BigInteger)
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    # Thread summary on the root message, kept by the reply action.
    reply_count: int = 0
    last_reply_at: datetime | None = None
    # True when the text mentions @channel, @here or @everyone (counts as a mention for every member).
    mentions_all: bool = False


class Mention(SQLModel, table=True):
    """One row per personally mentioned user, so unread mention counts are an index range count."""

    __tablename__ = 'mentions'
    __table_args__ = (Index('ix_mentions_user_channel_message', 'user_id', 'channel_id', 'message_id'),)

    message_id: int = Field(foreign_key='messages.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    user_id: int = Field(foreign_key='users.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    channel_id: int = Field(foreign_key='channels.id', ondelete='CASCADE', sa_type=ID)


class Reaction(SQLModel, table=True):
    __tablename__ = 'reactions'
    __table_args__ = (UniqueConstraint('message_id', 'user_id', 'emoji', name='uq_reaction_message_user_emoji'),)

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    message_id: int = Field(foreign_key='messages.id', index=True, ondelete='CASCADE', sa_type=ID)
    user_id: int = Field(foreign_key='users.id', ondelete='CASCADE', sa_type=ID)
    emoji: str = Field(max_length=64)  # shortcode without colons, e.g. "thumbsup"
    created_at: datetime = Field(default_factory=utcnow)


class Attachment(SQLModel, table=True):
    __tablename__ = 'attachments'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    # Random, unguessable public id used in URLs (the integer id never leaves the server).
    public_id: str = Field(max_length=32, unique=True, index=True)
    message_id: int | None = Field(default=None, foreign_key='messages.id', index=True, ondelete='SET NULL', sa_type=ID)
    channel_id: int = Field(foreign_key='channels.id', index=True, ondelete='CASCADE', sa_type=ID)
    uploader_id: int = Field(foreign_key='users.id', sa_type=ID)
    sha256: str = Field(max_length=64, index=True)  # content address of the stored bytes
    name: str = Field(max_length=255)  # sanitized display name
    size: int = Field(sa_type=ID)  # bytes; 64-bit so that a limit above 2 GiB fits on PostgreSQL too
    mime: str = Field(max_length=127)  # detected from the content, not the browser's claim
    width: int | None = None
    height: int | None = None
    has_thumbnail: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    __tablename__ = 'api_tokens'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    token_hash: str = Field(max_length=64, unique=True, index=True)  # sha256; the token itself is shown once
    user_id: int = Field(foreign_key='users.id', index=True, ondelete='CASCADE', sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', ondelete='CASCADE', sa_type=ID)
    name: str = Field(default='', max_length=80)
    is_bot: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class IncomingWebhook(SQLModel, table=True):
    """A URL that posts into one channel as its own bot user (Slack's incoming webhooks); only a hash is kept."""

    __tablename__ = 'incoming_webhooks'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    secret_hash: str = Field(max_length=64, unique=True, index=True)  # sha256 of the URL's secret part
    workspace_id: int = Field(foreign_key='workspaces.id', ondelete='CASCADE', sa_type=ID)
    channel_id: int = Field(foreign_key='channels.id', index=True, ondelete='CASCADE', sa_type=ID)
    bot_user_id: int = Field(foreign_key='users.id', ondelete='CASCADE', sa_type=ID)
    name: str = Field(max_length=80)
    created_by: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class App(SQLModel, table=True):
    """A Slack-style app: a bot user with a token, and where its events go (an HTTP URL or Socket Mode).

    The signing secret is kept as it is, not hashed: it is the key we sign every request to the app with
    (Slack, too, can show it again). The app-level token (`xapp-…`, for Socket Mode) is kept only as a hash.
    """

    __tablename__ = 'apps'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', index=True, ondelete='CASCADE', sa_type=ID)
    name: str = Field(max_length=80)
    bot_user_id: int = Field(foreign_key='users.id', ondelete='CASCADE', sa_type=ID)
    bot_token_id: int = Field(foreign_key='api_tokens.id', unique=True, ondelete='CASCADE', sa_type=ID)
    signing_secret: str = Field(max_length=64)
    app_token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    events_url: str = Field(default='', max_length=2000)  # '' when events go over Socket Mode or nowhere
    socket_mode: bool = False
    event_types: str = Field(default='', max_length=2000)  # the subscribed events, comma separated
    disabled: bool = False
    created_by: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    created_at: datetime = Field(default_factory=utcnow)
    url_verified: bool | None = None  # did the events URL answer url_verification's challenge; None: not asked
    url_checked_at: datetime | None = None


class EventOutbox(SQLModel, table=True):
    """An event an app may have to get, written in the transaction that caused it (so a crash right after
    the commit loses nothing). The delivery worker fans it out into `app_deliveries` once (`fanned_out`)."""

    __tablename__ = 'event_outbox'
    __table_args__ = (Index('ix_event_outbox_pending', 'fanned_out', 'id'),)

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', ondelete='CASCADE', sa_type=ID)
    event: str = Field(sa_column=Column(Text, nullable=False))  # the internal event as JSON (state/events.py)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    fanned_out: bool = False


class DeliveryStatus(StrEnum):
    PENDING = 'pending'  # due at next_attempt_at
    SENDING = 'sending'  # claimed by a worker until lease_until; past it, anyone may claim it again
    DELIVERED = 'delivered'
    FAILED = 'failed'  # every retry failed


class AppDelivery(SQLModel, table=True):
    """One Slack event for one app: its attempts, its lease while a worker sends it, and how it ended."""

    __tablename__ = 'app_deliveries'
    __table_args__ = (
        UniqueConstraint('app_id', 'outbox_id', 'event_type', name='uq_app_delivery_app_outbox_type'),
        Index('ix_app_deliveries_due', 'status', 'next_attempt_at'),
        Index('ix_app_deliveries_app_id', 'app_id', 'id'),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    app_id: int = Field(foreign_key='apps.id', ondelete='CASCADE', sa_type=ID)
    outbox_id: int = Field(foreign_key='event_outbox.id', index=True, ondelete='CASCADE', sa_type=ID)
    event_type: str = Field(max_length=40)  # Slack's name: message, app_mention, reaction_added, ...
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    lease_token: str | None = Field(default=None, max_length=32)
    last_error: str = Field(default='', max_length=200)
    retry_reason: str = Field(default='', max_length=40)  # Slack's X-Slack-Retry-Reason for the next attempt
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class SlashCommand(SQLModel, table=True):
    """A custom slash command (`/deploy`): typing it POSTs Slack's signed payload to `request_url`.

    The signing secret is kept as it is, not hashed: it is the key we sign every request with (the receiver
    holds the same one). In-channel answers post as the command's own bot user.
    """

    __tablename__ = 'slash_commands'
    __table_args__ = (UniqueConstraint('workspace_id', 'name', name='uq_slash_command_workspace_name'),)

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', index=True, ondelete='CASCADE', sa_type=ID)
    name: str = Field(max_length=32)  # without the slash, lower case
    request_url: str = Field(max_length=2000)
    description: str = Field(default='', max_length=200)
    usage_hint: str = Field(default='', max_length=200)
    signing_secret: str = Field(max_length=64)
    verification_token: str = Field(max_length=64)  # the legacy `token` field of the payload
    bot_user_id: int = Field(foreign_key='users.id', ondelete='CASCADE', sa_type=ID)
    app_id: int | None = Field(default=None, foreign_key='apps.id', ondelete='SET NULL', sa_type=ID)
    created_by: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class CommandResponseUrl(SQLModel, table=True):
    """One invocation's `response_url`: only the sha256 of its secret, where answers go, and how often it was used."""

    __tablename__ = 'command_response_urls'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    secret_hash: str = Field(max_length=64, unique=True, index=True)
    command_id: int = Field(foreign_key='slash_commands.id', ondelete='CASCADE', sa_type=ID)
    user_id: int = Field(foreign_key='users.id', ondelete='CASCADE', sa_type=ID)  # who typed the command
    channel_id: int = Field(foreign_key='channels.id', ondelete='CASCADE', sa_type=ID)
    thread_root_id: int | None = Field(default=None, sa_type=ID)
    expires_at: datetime = Field(index=True)
    uses: int = 0


class ExternalUpload(SQLModel, table=True):
    """A Web API upload slot (files.getUploadURLExternal): an unguessable, single-use URL that expires.

    The bytes POSTed to the URL wait in the uploads' staging dir (`staged_name`) until
    files.completeUploadExternal stores them through the one upload path (`state/actions/uploads.py`) as the
    attachment `public_id`; the slot row is deleted then. Only the sha256 of the URL's secret is kept.
    """

    __tablename__ = 'external_uploads'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    public_id: str = Field(max_length=32, unique=True)  # the attachment's public id once completed
    secret_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key='users.id', index=True, ondelete='CASCADE', sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', ondelete='CASCADE', sa_type=ID)
    filename: str = Field(max_length=255)
    length: int = Field(sa_type=ID)  # the size the caller announced; the body may not be larger
    staged_name: str | None = Field(default=None, max_length=64)  # set once, when the bytes arrived
    staged_size: int | None = Field(default=None, sa_type=ID)
    staged_sha256: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class Bookmark(SQLModel, table=True):
    """A link pinned under a channel's header (Slack's bookmarks); members of the channel manage them."""

    __tablename__ = 'bookmarks'

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    channel_id: int = Field(foreign_key='channels.id', index=True, ondelete='CASCADE', sa_type=ID)
    title: str = Field(max_length=200)
    link: str = Field(max_length=2000)
    emoji: str = Field(default='', max_length=64)  # shortcode without colons
    created_by: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Pin(SQLModel, table=True):
    """A message pinned to its channel, shown in the header's pinned list; a message is pinned at most once."""

    __tablename__ = 'pins'

    message_id: int = Field(foreign_key='messages.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    channel_id: int = Field(foreign_key='channels.id', index=True, ondelete='CASCADE', sa_type=ID)
    pinned_by: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    pinned_at: datetime = Field(default_factory=utcnow)


class SavedItem(SQLModel, table=True):
    """A message one person saved for later (Slack's stars); access is checked again whenever it is listed."""

    __tablename__ = 'saved_items'

    user_id: int = Field(foreign_key='users.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    message_id: int = Field(foreign_key='messages.id', primary_key=True, index=True, ondelete='CASCADE', sa_type=ID)
    saved_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None


class ScheduledState(StrEnum):
    PENDING = 'pending'
    SENDING = 'sending'  # claimed by one node's scheduler; it becomes sent or failed (or pending again)
    SENT = 'sent'
    FAILED = 'failed'


class ScheduledMessage(SQLModel, table=True):
    """A message its author asked to be posted later (Slack's chat.scheduleMessage); the scheduler posts it
    through the ordinary send action, as the author, when `post_at` comes (state/actions/scheduled_delivery.py)."""

    __tablename__ = 'scheduled_messages'
    __table_args__ = (
        Index('ix_scheduled_messages_state_post_at', 'state', 'post_at'),  # the scheduler's "what is due"
        Index('ix_scheduled_messages_author_workspace', 'author_id', 'workspace_id', 'post_at'),  # "my scheduled"
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', ondelete='CASCADE', sa_type=ID)
    channel_id: int = Field(foreign_key='channels.id', index=True, ondelete='CASCADE', sa_type=ID)
    author_id: int = Field(foreign_key='users.id', ondelete='CASCADE', sa_type=ID)
    body: str = Field(sa_column=Column(Text, nullable=False))
    thread_root_id: int | None = Field(default=None, foreign_key='messages.id', ondelete='CASCADE', sa_type=ID)
    also_in_channel: bool = False
    post_at: datetime
    created_at: datetime = Field(default_factory=utcnow)
    state: ScheduledState = Field(default=ScheduledState.PENDING, sa_type=String(16))
    claimed_at: datetime | None = None  # when a scheduler took it; a claim that old was lost with its node
    failure: str = Field(default='', max_length=300)  # why it could not be sent (state failed)
    message_id: int | None = Field(default=None, foreign_key='messages.id', ondelete='SET NULL', sa_type=ID)


class EmailScanCursor(SQLModel, table=True):
    """One row: the newest message id the digest scan has decided about (state/email/digest_scan.py).

    Moving it is the scan's claim: a compare-and-set UPDATE in the same transaction that queues the digests, so
    with several nodes one scan wins each window of messages and a crash queues either all or nothing.
    """

    __tablename__ = 'email_scan_cursor'

    id: int = Field(default=1, primary_key=True, sa_type=ID)
    through_message_id: int = Field(default=0, sa_type=ID)


class OutgoingEmail(SQLModel, table=True):
    """The durable e-mail queue: digests and invitations wait here until an SMTP server accepted them."""

    __tablename__ = 'outgoing_emails'
    __table_args__ = (Index('ix_outgoing_emails_due', 'sent_at', 'failed_at', 'next_attempt_at'),)

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    kind: str = Field(max_length=16)  # 'digest' | 'invite'
    user_id: int | None = Field(default=None, foreign_key='users.id', index=True, ondelete='CASCADE', sa_type=ID)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=250)
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    # A sender holds a row until this time; a crashed sender's rows are taken again after it.
    claimed_until: datetime | None = None
    sent_at: datetime | None = None
    failed_at: datetime | None = None  # refused for good (a 5xx answer) or too old; never tried again
    last_error: str = Field(default='', max_length=500)


class SlackImportMap(SQLModel, table=True):
    """Which of our rows a Slack export's user, channel or message became, per workspace: a second import of
    the same archive finds everything here and adds nothing (state/slack_archive/importer.py)."""

    __tablename__ = 'slack_import_map'

    workspace_id: int = Field(foreign_key='workspaces.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    kind: str = Field(primary_key=True, max_length=16)  # 'user' | 'bot' | 'channel' | 'message'
    # Slack's id (`U024BE7LH`, `C024BE91L`); a message is "<its channel's Slack id>:<ts>".
    slack_id: str = Field(primary_key=True, max_length=120)
    local_id: int = Field(sa_type=ID)


class AuditEvent(SQLModel, table=True):
    """Who changed what in a workspace's administration, and from where; written in the audited change's
    transaction (state/actions/audit.py), shown newest first in the admin console's audit log."""

    __tablename__ = 'audit_events'
    __table_args__ = (Index('ix_audit_events_workspace_id_id', 'workspace_id', 'id'),)

    id: int | None = Field(default=None, primary_key=True, sa_type=ID)
    workspace_id: int = Field(foreign_key='workspaces.id', ondelete='CASCADE', sa_type=ID)
    actor_id: int | None = Field(default=None, foreign_key='users.id', ondelete='SET NULL', sa_type=ID)
    action: str = Field(max_length=64)  # e.g. 'member.role', 'invite.create', 'webhook.delete'
    target_kind: str = Field(default='', max_length=32)  # 'user', 'invite', 'app', 'webhook', 'command', 'token'
    target_id: int | None = Field(default=None, sa_type=ID)
    detail: str = Field(default='', sa_column=Column(Text, nullable=False))  # JSON object
    ip: str = Field(default='', max_length=64)
    at: datetime = Field(default_factory=utcnow)
