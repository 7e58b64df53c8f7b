"""Custom slash commands: workspace owners and admins register `/deploy` with a URL that answers it.

Each command has a signing secret of its own (we sign every request with it; it is shown once, when the
command is made) and a bot user named after the command, whose name its in-channel answers carry. A name
that a built-in command (state/actions/slash_commands.py) already has is refused, so `/me` always means /me.
The CLI (`main.py create-command`) is the operator's path and needs no actor.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import SlashCommand, User, Workspace, utcnow
from state.actions.audit import record_audit
from state.actions.bots import add_bot
from state.actions.guards import active_user, is_admin, require_id, workspace_membership
from state.actions.slash_commands import COMMANDS as BUILT_IN
from state.errors import Conflict, Forbidden, InvalidInput, NotFound
from state.unit_of_work import unit_of_work

_NAME = re.compile(r'[a-z0-9][a-z0-9_-]{0,31}')
URL_MAX_CHARS = 2000
TEXT_MAX_CHARS = 200
COMMAND_NOT_FOUND = 'This command does not exist or was removed.'


@dataclass(frozen=True)
class NewCommand:
    id: int
    name: str  # without the slash
    signing_secret: str  # shown once


@dataclass(frozen=True)
class CommandSummary:
    id: int
    name: str
    request_url: str
    description: str
    usage_hint: str


def create_command(
    actor_id: int,
    workspace_id: int,
    name: str,
    request_url: str,
    description: str = '',
    usage_hint: str = '',
    ip: str | None = None,
) -> NewCommand:
    """A workspace owner or admin registers a command; it works in every conversation of the workspace."""
    with unit_of_work() as uow:
        session = uow.session
        _require_admin(session, workspace_id, actor_id)
        made = _create(session, workspace_id, name, request_url, description, usage_hint, created_by=actor_id)
        record_audit(
            uow,
            workspace_id=workspace_id,
            actor_id=actor_id,
            action='command.create',
            target_kind='command',
            target_id=made.id,
            detail={'command': f'/{made.name}'},
            ip=ip,
        )
    return made


def create_command_for_operator(
    workspace_id: int, name: str, request_url: str, description: str = '', usage_hint: str = ''
) -> NewCommand:
    """The CLI's path: no actor to authorize."""
    with unit_of_work() as uow:
        made = _create(uow.session, workspace_id, name, request_url, description, usage_hint, created_by=None)
    return made


def workspace_commands(actor_id: int, workspace_id: int) -> list[CommandSummary]:
    """The workspace's live commands with their URLs, for someone who may manage them."""
    with read_session() as session:
        _require_admin(session, workspace_id, actor_id)
        rows = session.exec(
            select(SlashCommand)
            .where(SlashCommand.workspace_id == workspace_id, col(SlashCommand.revoked_at).is_(None))
            .order_by(col(SlashCommand.name))
        ).all()
        return [CommandSummary(require_id(r.id), r.name, r.request_url, r.description, r.usage_hint) for r in rows]


def remove_command(actor_id: int, command_id: int, ip: str | None = None) -> None:
    """Owners and admins remove a command; typing it stops working at once, and so do its response URLs."""
    with unit_of_work() as uow:
        session = uow.session
        command = session.get(SlashCommand, command_id)
        if command is None or workspace_membership(session, command.workspace_id, actor_id) is None:
            raise NotFound(COMMAND_NOT_FOUND)
        _require_admin(session, command.workspace_id, actor_id)
        if command.revoked_at is None:
            command.revoked_at = utcnow()
            session.add(command)
            record_audit(
                uow,
                workspace_id=command.workspace_id,
                actor_id=actor_id,
                action='command.delete',
                target_kind='command',
                target_id=command_id,
                detail={'command': f'/{command.name}'},
                ip=ip,
            )


def command_name(text: str) -> str:
    """`/Deploy` -> `deploy`, or InvalidInput for a name Slack would not take either."""
    name = text.strip().removeprefix('/').lower()
    if not _NAME.fullmatch(name):
        raise InvalidInput('A command is a slash and up to 32 letters, digits, - or _: /deploy.')
    return name


# ---- helpers ----------------------------------------------------------------------------------------------


def _require_admin(session: Session, workspace_id: int, actor_id: int) -> None:
    active_user(session, actor_id)
    member = workspace_membership(session, workspace_id, actor_id)
    if member is None:
        raise NotFound('This workspace does not exist.')
    if not is_admin(member):
        raise Forbidden('Only workspace owners and admins can manage slash commands.')


def _create(
    session: Session,
    workspace_id: int,
    raw_name: str,
    request_url: str,
    description: str,
    usage_hint: str,
    *,
    created_by: int | None,
) -> NewCommand:
    name = command_name(raw_name)
    if name in BUILT_IN:
        raise InvalidInput(f'/{name} is a built-in command; choose another name.', code='name_taken')
    url = _clean_url(request_url)
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound('This workspace does not exist.')
    existing = session.exec(
        select(SlashCommand).where(SlashCommand.workspace_id == workspace_id, SlashCommand.name == name)
    ).first()
    if existing is not None and existing.revoked_at is None:
        raise Conflict(f'/{name} exists already; remove it first.', code='name_taken')
    secret = secrets.token_hex(16)  # Slack's signing secrets are 32 hex digits too
    fields = {
        'request_url': url,
        'description': _short(description),
        'usage_hint': _short(usage_hint),
        'signing_secret': secret,
        'verification_token': secrets.token_urlsafe(18),
        'created_by': created_by,
        'created_at': utcnow(),
        'revoked_at': None,
    }
    if existing is not None:  # a removed command of that name comes back with new secrets (the name is unique)
        command = existing
        bot = session.get(User, command.bot_user_id)
        if bot is not None:
            bot.display_name = f'/{name}'
            session.add(bot)
    else:
        bot = add_bot(session, workspace, f'/{name}')
        command = SlashCommand(
            workspace_id=workspace_id,
            name=name,
            bot_user_id=require_id(bot.id),
            request_url=url,
            signing_secret=secret,
            verification_token='',
        )
    for key, value in fields.items():
        setattr(command, key, value)
    session.add(command)
    session.flush()
    return NewCommand(require_id(command.id), name, secret)


def _clean_url(url: str) -> str:
    value = url.strip() if isinstance(url, str) else ''
    if not re.match(r'https?://[^\s/?#]+', value) or len(value) > URL_MAX_CHARS or any(c.isspace() for c in value):
        raise InvalidInput('The request URL must be an http:// or https:// address.')
    return value


def _short(text: str) -> str:
    value = ' '.join((text or '').split())
    if len(value) > TEXT_MAX_CHARS:
        raise InvalidInput(f'Descriptions and usage hints are at most {TEXT_MAX_CHARS} characters.')
    return value
