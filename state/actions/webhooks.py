"""Incoming webhooks: a secret URL that posts into one channel, as Slack's do (api/webhooks.py serves it).

Each webhook has a bot user of its own, named after the webhook, that is a member of the channel; a post is an
ordinary `send_message` by that bot, so it is authorized, rate limited, rendered and published like any other.
Only the sha256 of the URL's secret is stored: the URL is shown once, when the webhook is made.

Who may make one: workspace owners and admins, for a channel they can read (a private one only as a member).
The CLI (`main.py create-webhook`) is the operator's path and needs no actor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import Channel, ChannelKind, ChannelMember, IncomingWebhook, Workspace, utcnow
from state.actions.accounts import clean_display_name
from state.actions.audit import record_audit
from state.actions.bots import add_bot
from state.actions.guards import (
    CHANNEL_NOT_FOUND,
    is_admin,
    require_id,
    visible_channel,
    workspace_membership,
    writable,
)
from state.actions.messages import send_message
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import MessageView
from state.rate_limit import limiter
from state.security import new_token, token_hash
from state.unit_of_work import unit_of_work

WEBHOOK_ROUTE = '/hooks/{secret}'  # served by api/webhooks.py
SECRET_MAX_CHARS = 200  # ours are 43; a longer one is not worth hashing
WEBHOOK_NOT_FOUND = 'This webhook does not exist or was removed.'


@dataclass(frozen=True)
class NewWebhook:
    id: int
    name: str
    channel_id: int
    secret: str  # shown once, as the last part of the URL

    @property
    def path(self) -> str:
        return WEBHOOK_ROUTE.format(secret=self.secret)


@dataclass(frozen=True)
class WebhookSummary:
    id: int
    name: str
    channel_id: int


def create_webhook(actor_id: int, channel_id: int, name: str, ip: str | None = None) -> NewWebhook:
    """A workspace owner or admin adds a webhook to a channel they can read (not a DM, not an archived one)."""
    label = clean_display_name(name)
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = visible_channel(session, actor_id, channel_id)
        if not is_admin(workspace_membership(session, channel.workspace_id, actor_id)):
            raise Forbidden('Only workspace owners and admins can add incoming webhooks.')
        made = _create(session, channel, label, created_by=actor_id)
        record_audit(
            uow,
            workspace_id=channel.workspace_id,
            actor_id=actor_id,
            action='webhook.create',
            target_kind='webhook',
            target_id=made.id,
            detail={'name': label, 'channel_id': channel_id},
            ip=ip,
        )
    return made


def create_webhook_for_operator(workspace_id: int, channel_name: str, name: str) -> NewWebhook:
    """The CLI's path: a webhook on a channel of the workspace, by name, with no actor to authorize."""
    label = clean_display_name(name)
    with unit_of_work() as uow:
        session = uow.session
        channel = session.exec(
            select(Channel).where(Channel.workspace_id == workspace_id, Channel.name == channel_name.removeprefix('#'))
        ).first()
        if channel is None:
            raise NotFound(f'There is no channel #{channel_name.removeprefix("#")} in this workspace.')
        made = _create(session, channel, label, created_by=None)
    return made


def remove_webhook(actor_id: int, webhook_id: int, ip: str | None = None) -> None:
    """Owners and admins remove a webhook; its URL stops working at once. Removing twice is harmless."""
    with unit_of_work() as uow:
        session = uow.session
        hook = session.get(IncomingWebhook, webhook_id)
        if hook is None or workspace_membership(session, hook.workspace_id, actor_id) is None:
            raise NotFound(WEBHOOK_NOT_FOUND)
        visible_channel(session, actor_id, hook.channel_id)  # a private channel's hooks only for its members
        if not is_admin(workspace_membership(session, hook.workspace_id, actor_id)):
            raise Forbidden('Only workspace owners and admins can remove incoming webhooks.')
        if hook.revoked_at is None:
            hook.revoked_at = utcnow()
            session.add(hook)
            record_audit(
                uow,
                workspace_id=hook.workspace_id,
                actor_id=actor_id,
                action='webhook.delete',
                target_kind='webhook',
                target_id=webhook_id,
                detail={'name': hook.name},
                ip=ip,
            )


def channel_webhooks(actor_id: int, channel_id: int) -> list[WebhookSummary]:
    """The channel's live webhooks, for someone who may manage them (the channel menu's dialog)."""
    with read_session() as session:
        channel, _ = visible_channel(session, actor_id, channel_id)
        if not is_admin(workspace_membership(session, channel.workspace_id, actor_id)):
            raise Forbidden('Only workspace owners and admins can see incoming webhooks.')
        rows = session.exec(
            select(IncomingWebhook)
            .where(IncomingWebhook.channel_id == channel_id, col(IncomingWebhook.revoked_at).is_(None))
            .order_by(col(IncomingWebhook.id))
        ).all()
        return [WebhookSummary(require_id(row.id), row.name, row.channel_id) for row in rows]


@dataclass(frozen=True)
class WebhookTarget:
    bot_user_id: int
    channel_id: int
    workspace_id: int


def webhook_target(secret: str) -> WebhookTarget:
    """Where a webhook URL posts; NotFound (`no_service`) for an unknown or removed one."""
    if not secret or len(secret) > SECRET_MAX_CHARS:
        raise NotFound(WEBHOOK_NOT_FOUND, code='no_service')
    with read_session() as session:
        hook = session.exec(select(IncomingWebhook).where(IncomingWebhook.secret_hash == token_hash(secret))).first()
        if hook is None or hook.revoked_at is not None:
            raise NotFound(WEBHOOK_NOT_FOUND, code='no_service')
        return WebhookTarget(hook.bot_user_id, hook.channel_id, hook.workspace_id)


def post_to_webhook(target: WebhookTarget, text: str, thread_root_id: int | None = None) -> MessageView:
    """Post `text` (in our markup) as the webhook's bot: an ordinary send, rate limited per webhook too."""
    limiter.take('webhook', target.bot_user_id)
    return send_message(target.bot_user_id, target.channel_id, text, None, thread_root_id)


# ---- helpers ----------------------------------------------------------------------------------------------


def _create(session: Session, channel: Channel, label: str, *, created_by: int | None) -> NewWebhook:
    if channel.kind not in (ChannelKind.PUBLIC, ChannelKind.PRIVATE):
        raise InvalidInput('Incoming webhooks post into channels, not direct messages.')
    writable(channel)
    workspace = session.get(Workspace, channel.workspace_id)
    if workspace is None:
        raise NotFound(CHANNEL_NOT_FOUND)
    bot = add_bot(session, workspace, label)
    bot_id, channel_id = require_id(bot.id), require_id(channel.id)
    if session.get(ChannelMember, (channel_id, bot_id)) is None:  # #general already has it
        session.add(ChannelMember(channel_id=channel_id, user_id=bot_id, last_read_message_id=channel.last_message_id))
    secret = new_token()
    hook = IncomingWebhook(
        secret_hash=token_hash(secret),
        workspace_id=channel.workspace_id,
        channel_id=channel_id,
        bot_user_id=bot_id,
        name=label,
        created_by=created_by,
    )
    session.add(hook)
    session.flush()
    return NewWebhook(require_id(hook.id), label, channel_id, secret)
