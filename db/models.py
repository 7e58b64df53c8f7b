"""SQLModel tables: the durable source of truth. Schema changes go through an Alembic migration."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Ids are 64-bit on PostgreSQL as they are on SQLite, so both accept the same ids: with a 32-bit column a forged
# id above 2**31 in a URL would be a database error on PostgreSQL instead of "not found". On SQLite the key must
# stay INTEGER to be the rowid. Every id and foreign-key column uses this type.
ID = BigInteger().with_variant(Integer(), 'sqlite')
MAX_ID = 2**63 - 1  # the largest id either database can hold


def fits_id(value: int) -> bool:
    """Whether `value` can be an id at all; a forged one outside the column's range is simply not found."""
    return 0 < value <= MAX_ID


def utcnow() -> datetime:
    return datetime.now(UTC)  # SQLModel's UTCDateTime stores aware datetimes and returns them in UTC


class WorkspaceRole(StrEnum):
    OWNER = 'owner'
    ADMIN = 'admin'
    MEMBER = 'member'


class ChannelKind(StrEnum):
    PUBLIC = 'public'
    PRIVATE = 'private'
    DIRECT = 'direct'
    GROUP = 'group'


DIRECT_KINDS = (ChannelKind.DIRECT, ChannelKind.GROUP)  # conversations between people, not channels
# Bot users' e-mail domain (RFC 2606: it can never receive mail or collide with a person's address).
BOT_EMAIL_DOMAIN = 'bots.invalid'


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


class WorkspaceMember(SQLModel, table=True):
    __tablename__ = 'workspace_members'

    workspace_id: int = Field(foreign_key='workspaces.id', primary_key=True, ondelete='CASCADE', sa_type=ID)
    user_id: int = Field(foreign_key='users.id', primary_key=True, index=True, ondelete='CASCADE', sa_type=ID)
    role: WorkspaceRole = Field(default=WorkspaceRole.MEMBER, sa_type=String(16))
    joined_at: datetime = Field(default_factory=utcnow)


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
