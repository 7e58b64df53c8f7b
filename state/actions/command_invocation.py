"""Running a custom slash command, and its answers (immediate, or later through its `response_url`).

`prepare_invocation` checks the person may post where they typed it, makes the invocation's response URL
(only its sha256 is stored: valid 30 minutes, 5 answers, as Slack's) and builds Slack's signed form payload.
It only prepares: the HTTP call happens after its transaction committed, asynchronously
(state/integrations/command_calls.py). `apply_answer` shows an answer: `in_channel` is an ordinary message by
the command's bot (so it is authorized, rendered and published like any other), anything else is ephemeral,
for the invoker alone.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import update
from sqlmodel import Session, col, select

from db import authz
from db.engine import read_session
from db.models import (
    DIRECT_KINDS,
    Channel,
    ChannelMember,
    CommandResponseUrl,
    SlashCommand,
    User,
    Workspace,
    utcnow,
)
from settings import get_settings
from state.actions.ephemeral import show_ephemeral
from state.actions.guards import joined_channel, require_id, writable
from state.actions.messages import send_message
from state.errors import NotFound
from state.integrations.signing import signed_headers
from state.integrations.slack_format import slack_format
from state.rate_limit import limiter
from state.security import new_token, token_hash
from state.unit_of_work import unit_of_work

RESPONSE_ROUTE = '/commands/respond/{secret}'  # served by api/commands.py
RESPONSE_URL_LIFETIME = timedelta(minutes=30)
RESPONSE_URL_USES = 5
SECRET_MAX_CHARS = 200
URL_GONE = 'This response URL does not exist.'


@dataclass(frozen=True)
class AnswerTarget:
    """Where the answers to one invocation go."""

    command: str  # '/deploy'
    user_id: int  # who typed it
    channel_id: int
    thread_root_id: int | None
    bot_user_id: int
    workspace_id: int


@dataclass(frozen=True)
class Invocation:
    target: AnswerTarget
    url: str
    body: bytes  # form-encoded, exactly the bytes that were signed
    headers: dict[str, str]


def prepare_invocation(
    actor_id: int, channel_id: int, text: str, thread_root_id: int | None = None
) -> Invocation | None:
    """The signed request for `/name args` typed in the channel; None when the workspace has no such command."""
    name, _, argument = text.strip().partition(' ')
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = joined_channel(session, actor_id, channel_id)  # who may post there may run commands there
        writable(channel)
        command = session.exec(
            select(SlashCommand).where(
                SlashCommand.workspace_id == channel.workspace_id,
                SlashCommand.name == name.removeprefix('/').lower(),
                col(SlashCommand.revoked_at).is_(None),
            )
        ).first()
        if command is None:
            return None
        limiter.take('message', actor_id)  # each run is an outbound request: limited like a message
        secret = new_token()
        session.add(
            CommandResponseUrl(
                secret_hash=token_hash(secret),
                command_id=require_id(command.id),
                user_id=actor_id,
                channel_id=channel_id,
                thread_root_id=thread_root_id,
                expires_at=utcnow() + RESPONSE_URL_LIFETIME,
            )
        )
        fields = _payload(session, command, channel, actor_id, argument.strip(), secret)
    body = urlencode(fields).encode()
    headers = {'Content-Type': 'application/x-www-form-urlencoded', **signed_headers(command.signing_secret, body)}
    target = AnswerTarget(
        f'/{command.name}', actor_id, channel_id, thread_root_id, command.bot_user_id, command.workspace_id
    )
    return Invocation(target, command.request_url, body, headers)


def claim_response_url(secret: str) -> AnswerTarget:
    """Spend one of a response URL's answers; NotFound with Slack's reason when it is unknown, expired or used up."""
    if not isinstance(secret, str) or not secret or len(secret) > SECRET_MAX_CHARS:
        raise NotFound(URL_GONE, code='no_service')
    digest = token_hash(secret)
    with unit_of_work() as uow:
        session = uow.session
        # One UPDATE, so two concurrent answers can never both take the fifth use (PostgreSQL: READ COMMITTED).
        spent = session.exec(
            update(CommandResponseUrl)
            .where(
                col(CommandResponseUrl.secret_hash) == digest,
                col(CommandResponseUrl.uses) < RESPONSE_URL_USES,
                col(CommandResponseUrl.expires_at) > utcnow(),
            )
            .values(uses=col(CommandResponseUrl.uses) + 1)
        ).rowcount
        row = session.exec(select(CommandResponseUrl).where(CommandResponseUrl.secret_hash == digest)).first()
        if row is None:
            raise NotFound(URL_GONE, code='no_service')
        if not spent:
            used_up = row.uses >= RESPONSE_URL_USES
            raise NotFound(
                'This response URL was used five times already.' if used_up else 'This response URL has expired.',
                code='used_url' if used_up else 'expired_url',
            )
        command = session.get(SlashCommand, row.command_id)
        if command is None or command.revoked_at is not None:
            raise NotFound('This command was removed.', code='no_service')
        return AnswerTarget(
            f'/{command.name}',
            row.user_id,
            row.channel_id,
            row.thread_root_id,
            command.bot_user_id,
            command.workspace_id,
        )


def apply_answer(target: AnswerTarget, answer: dict[str, Any]) -> None:
    """Show an app's answer (Slack's JSON: `text` or `blocks`, `response_type`); an empty one shows nothing."""
    text = slack_format().answer_text(target.workspace_id, answer)
    if not text.strip():
        return
    if answer.get('response_type') == 'in_channel' and _bot_may_post(target):
        send_message(target.bot_user_id, target.channel_id, text, None, thread_root_id=target.thread_root_id)
        return
    if _invoker_still_reads(target):
        show_ephemeral(target.user_id, target.channel_id, target.thread_root_id, target.bot_user_id, text)


def show_failure(target: AnswerTarget, reason: str) -> None:
    """Slack's "/deploy failed with the error …", for the invoker alone."""
    show_ephemeral(target.user_id, target.channel_id, target.thread_root_id, target.bot_user_id, reason)


# ---- helpers ----------------------------------------------------------------------------------------------


def _payload(
    session: Session, command: SlashCommand, channel: Channel, actor_id: int, text: str, secret: str
) -> dict[str, str]:
    ids = slack_format()
    workspace = session.get(Workspace, channel.workspace_id)
    user = session.get(User, actor_id)
    channel_name = 'directmessage' if channel.kind in DIRECT_KINDS else (channel.name or '')
    command_id = require_id(command.id)
    return {
        'token': command.verification_token,
        'team_id': ids.team_sid(channel.workspace_id),
        'team_domain': workspace.slug if workspace is not None else '',
        'channel_id': ids.channel_sid(require_id(channel.id), channel.kind),
        'channel_name': channel_name,
        'user_id': ids.user_sid(actor_id),
        'user_name': user.display_name if user is not None else '',
        'command': f'/{command.name}',
        'text': text,
        'api_app_id': ids.app_sid(command.app_id or command_id),
        'is_enterprise_install': 'false',
        'response_url': get_settings().resolved_public_url + RESPONSE_ROUTE.format(secret=secret),
        'trigger_id': f'{int(time.time())}.{command_id}.{secrets.token_hex(16)}',
    }


def _bot_may_post(target: AnswerTarget) -> bool:
    """In a channel the bot joins quietly to answer there (as webhook bots are members); DMs get ephemeral."""
    with unit_of_work() as uow:
        session = uow.session
        channel = session.get(Channel, target.channel_id)
        if channel is None or channel.kind in DIRECT_KINDS or channel.archived:
            return False
        if session.get(ChannelMember, (target.channel_id, target.bot_user_id)) is None:
            session.add(
                ChannelMember(
                    channel_id=target.channel_id,
                    user_id=target.bot_user_id,
                    last_read_message_id=channel.last_message_id,
                )
            )
    return True


def _invoker_still_reads(target: AnswerTarget) -> bool:
    with read_session() as session:
        return authz.readable_in_session(session, target.user_id, target.channel_id) is not None
