"""Workspaces, memberships and invite links.

Every workspace has a public #general that all members belong to; creating the workspace and joining it
(by invite or through the CLI) keep that true inside the same transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.authz import GENERAL_CHANNEL_NAME, ROLE_RANK, is_admin_role, is_guest_role
from db.models import (
    Channel,
    ChannelKind,
    ChannelMember,
    Invite,
    User,
    Workspace,
    WorkspaceMember,
    WorkspaceRole,
    utcnow,
)
from db.workspace_settings_queries import format_ids, parse_ids, settings_in_session
from settings import get_settings
from state.actions.audit import record_audit
from state.actions.guards import active_user, require_id, workspace_membership
from state.bus import channel_topic, user_topic, workspace_topic
from state.email.compose import invitation
from state.email.outbox import queue_email
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import MemberJoined, UserView
from state.rate_limit import limiter
from state.security import new_token, normalize_email, token_hash
from state.unit_of_work import unit_of_work, unit_of_work_of

WORKSPACE_NAME_MAX_CHARS = 80
SLUG_MAX_CHARS = 40
INVITE_MAX_LIFETIME = timedelta(days=30)
INVITE_MAX_USES = 1000

WORKSPACE_NOT_FOUND = 'Workspace not found.'
INVITE_INVALID = 'This invite link is not valid. Ask a workspace admin for a new one.'
INVITE_REVOKED = 'This invite link has been revoked. Ask a workspace admin for a new one.'
INVITE_EXPIRED = 'This invite link has expired. Ask a workspace admin for a new one.'
INVITE_USED_UP = 'This invite link has already been used as often as allowed. Ask a workspace admin for a new one.'


def slugify(name: str) -> str:
    """URL-safe lower-case ASCII form of a name ("Acme Inc." -> "acme-inc"); never empty."""
    ascii_name = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode('ascii')
    slug = re.sub(r'[^a-z0-9]+', '-', ascii_name.lower()).strip('-')[:SLUG_MAX_CHARS].strip('-')
    return slug or 'workspace'


def clean_workspace_name(name: str) -> str:
    value = ' '.join(name.split())
    if not value:
        raise InvalidInput('Please enter a workspace name.')
    if len(value) > WORKSPACE_NAME_MAX_CHARS:
        raise InvalidInput(f'The workspace name must be at most {WORKSPACE_NAME_MAX_CHARS} characters long.')
    if any(unicodedata.category(ch) in {'Cc', 'Cf'} for ch in value):
        raise InvalidInput('The workspace name contains invisible control characters.')
    return value


def create_workspace(actor_id: int, name: str) -> Workspace:
    """Create a workspace with a unique slug; the actor becomes its owner and a member of its #general."""
    clean_name = clean_workspace_name(name)
    limiter.take('workspace', actor_id)
    for _attempt in range(3):  # a concurrent creation may take the chosen slug between check and insert
        try:
            with unit_of_work() as uow:
                session = uow.session
                active_user(session, actor_id)
                workspace = Workspace(
                    name=clean_name, slug=_free_slug(session, slugify(clean_name)), created_by=actor_id
                )
                session.add(workspace)
                session.flush()
                workspace_id = require_id(workspace.id)
                session.add(WorkspaceMember(workspace_id=workspace_id, user_id=actor_id, role=WorkspaceRole.OWNER))
                general = Channel(
                    workspace_id=workspace_id,
                    kind=ChannelKind.PUBLIC,
                    name=GENERAL_CHANNEL_NAME,
                    topic='Company-wide announcements and work-based matters',
                    created_by=actor_id,
                )
                session.add(general)
                session.flush()
                session.add(ChannelMember(channel_id=require_id(general.id), user_id=actor_id))
            return workspace
        except IntegrityError:
            continue
    raise InvalidInput('Could not find a free address for this workspace name; try another name.')


def create_invite(
    actor_id: int,
    workspace_id: int,
    expires_in: timedelta,
    max_uses: int,
    email: str | None = None,
    *,
    guest_channel_ids: Sequence[int] | None = None,
    send_email: bool = True,
    ip: str | None = None,
) -> str:
    """Owners and admins create invite links; returns the raw token (only its sha256 is stored).

    With `guest_channel_ids` the link makes guests: they join those channels only (not #general) and see
    nothing else of the workspace (db/authz.py).

    With `email` (and e-mail on, see settings) the link is also e-mailed there, queued in the same transaction
    (state/email/outbox.py), so the invite and its e-mail exist together or not at all. With `send_email=False`
    nothing is mailed: the admin copies the link. Either way the invite is bound to the address, which lets it
    claim that address's password-less (imported) account (state/actions/claims.py).
    """
    if not timedelta(minutes=1) <= expires_in <= INVITE_MAX_LIFETIME:
        raise InvalidInput('An invite must expire between one minute and 30 days from now.')
    if not 1 <= max_uses <= INVITE_MAX_USES:
        raise InvalidInput(f'An invite can be used between 1 and {INVITE_MAX_USES} times.')
    address = normalize_email(email) if email and email.strip() else None
    settings = get_settings()
    mailed = address is not None and send_email
    if mailed and not settings.email_enabled:
        raise InvalidInput('E-mail is off on this server: copy the link and send it yourself.')
    token = new_token()
    now = utcnow()
    with unit_of_work() as uow:
        session = uow.session
        _require_admin(session, actor_id, workspace_id)
        guest_channels = None
        if guest_channel_ids is not None:
            guest_channels = _guest_channels(session, workspace_id, guest_channel_ids)
        if mailed:
            limiter.take('invite_email', actor_id)  # after the admin check: only admins can spend it
        invite = Invite(
            workspace_id=workspace_id,
            token_hash=token_hash(token),
            created_by=actor_id,
            created_at=now,
            expires_at=now + expires_in,
            max_uses=max_uses,
            role=WorkspaceRole.MEMBER if guest_channels is None else WorkspaceRole.GUEST,
            channel_ids=format_ids(guest_channels or []),
            email=address,
        )
        session.add(invite)
        session.flush()
        detail: dict[str, object] = {'max_uses': max_uses, 'expires_at': invite.expires_at.isoformat()}
        if address is not None:
            detail['email'] = address
        if guest_channels is not None:
            detail['guest_channels'] = list(guest_channels)
        record_audit(
            uow,
            workspace_id=workspace_id,
            actor_id=actor_id,
            action='invite.create',
            target_kind='invite',
            target_id=invite.id,
            detail=detail,
            ip=ip,
        )
        if mailed and address is not None:
            workspace = session.get(Workspace, workspace_id)
            inviter = session.get(User, actor_id)
            if workspace is None or inviter is None:
                raise NotFound(WORKSPACE_NOT_FOUND)
            link = f'{settings.resolved_public_url}/join/{token}'
            content = invitation(workspace.name, inviter.display_name, link, now + expires_in)
            queue_email(session, 'invite', address, content.subject, content.text, content.html)
    return token


def revoke_invite(actor_id: int, invite_id: int, ip: str | None = None) -> None:
    """Owners and admins revoke an invite of their workspace; revoking twice is harmless."""
    with unit_of_work() as uow:
        session = uow.session
        invite = session.get(Invite, invite_id)
        if invite is None:
            raise NotFound('This invite does not exist.')
        try:
            _require_admin(session, actor_id, invite.workspace_id)
        except NotFound as exc:  # not a member: do not confirm the invite exists
            raise NotFound('This invite does not exist.') from exc
        if not invite.revoked:
            invite.revoked = True
            record_audit(
                uow,
                workspace_id=invite.workspace_id,
                actor_id=actor_id,
                action='invite.revoke',
                target_kind='invite',
                target_id=invite_id,
                ip=ip,
            )


def accept_invite(actor_id: int, token: str) -> Workspace:
    """Join a workspace through an invite link, as a member and into #general.

    Already a member: returns the workspace and changes nothing, whatever state the link is in.
    Forged, revoked, expired or used-up links raise with a message that says which.
    """
    if not token or len(token) > 200:
        raise NotFound(INVITE_INVALID)
    for _attempt in range(2):  # a double click can race the same user's membership insert
        try:
            return _accept(actor_id, token)
        except IntegrityError:
            continue
    raise InvalidInput(INVITE_INVALID)


def _accept(actor_id: int, token: str) -> Workspace:
    with unit_of_work() as uow:
        session = uow.session
        user = active_user(session, actor_id)
        invite, workspace = invite_and_workspace(session, token)
        if session.get(WorkspaceMember, (invite.workspace_id, actor_id)) is not None:
            return workspace
        take_invite_use(session, invite)
        join_by_invite(session, workspace, user, invite)
    return workspace


def invite_and_workspace(session: Session, token: str) -> tuple[Invite, Workspace]:
    """The invite behind a raw token and its workspace; NotFound for a forged token."""
    invite = session.exec(select(Invite).where(Invite.token_hash == token_hash(token))).first()
    workspace = session.get(Workspace, invite.workspace_id) if invite is not None else None
    if invite is None or workspace is None:
        raise NotFound(INVITE_INVALID)
    return invite, workspace


def take_invite_use(session: Session, invite: Invite) -> None:
    """Spend one use of a live invite, or raise saying why it is not live (revoked, expired, used up)."""
    if invite.revoked:
        raise InvalidInput(INVITE_REVOKED, code='invite_revoked')
    if invite.expires_at <= utcnow():
        raise InvalidInput(INVITE_EXPIRED, code='invite_expired')
    # Claim one use atomically: two people racing for the last use cannot both get it.
    claimed = session.execute(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.uses) < col(Invite.max_uses), col(Invite.revoked).is_(False))
        .values(uses=col(Invite.uses) + 1)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidInput(INVITE_USED_UP, code='invite_used_up')


def join_by_invite(session: Session, workspace: Workspace, user: User, invite: Invite) -> None:
    role = WorkspaceRole.GUEST if is_guest_role(invite.role) else WorkspaceRole.MEMBER
    join_in_session(session, workspace, user, role, guest_channel_ids=parse_ids(invite.channel_ids))


def add_member(
    workspace_id: int,
    user_id: int,
    role: WorkspaceRole = WorkspaceRole.MEMBER,
    *,
    guest_channels: Sequence[str] = (),
) -> WorkspaceMember:
    """Operator path (CLI, seed-demo), so no actor check: add the user, or raise their role (never lower it).

    A guest joins the channels named in `guest_channels` only. People in the UI join only through invites.
    """
    with unit_of_work() as uow:
        session = uow.session
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:
            raise NotFound(WORKSPACE_NOT_FOUND)
        user = active_user(session, user_id)
        member = session.get(WorkspaceMember, (workspace_id, user_id))
        if member is None:
            channel_ids = _channel_ids_by_name(session, workspace_id, guest_channels) if is_guest_role(role) else []
            if is_guest_role(role):
                _guest_channels(session, workspace_id, channel_ids)  # at least one, all open channels
            join_in_session(session, workspace, user, role, guest_channel_ids=channel_ids)
            member = session.get(WorkspaceMember, (workspace_id, user_id))
        elif ROLE_RANK[WorkspaceRole(member.role)] < ROLE_RANK[role]:
            member.role = role
    if member is None:
        raise AssertionError('membership vanished inside its own transaction')
    return member


def join_in_session(
    session: Session,
    workspace: Workspace,
    user: User,
    role: WorkspaceRole,
    *,
    guest_channel_ids: Sequence[int] = (),
) -> None:
    """Insert the membership and the first channel memberships, announced when the unit of work commits.

    Members join #general and the workspace's default channels (settings); guests join only
    `guest_channel_ids`. The workspace hears of the new member on `workspace:{id}`; each channel join goes, as
    every channel join does, to `channel:{id}` and to the joiner's `user:{id}`. For callers that add a member
    as part of a larger change (a bot with its token).
    """
    workspace_id, user_id = require_id(workspace.id), require_id(user.id)
    session.add(WorkspaceMember(workspace_id=workspace_id, user_id=user_id, role=role))
    view = UserView(
        id=user_id,
        display_name=user.display_name,
        status_text=user.status_text,
        status_emoji=user.status_emoji,
        avatar_version=user.avatar_version,
    )
    uow = unit_of_work_of(session)
    uow.publish(workspace_topic(workspace_id), MemberJoined(workspace_id=workspace_id, channel_id=None, user=view))
    for channel in _first_channels(session, workspace_id, role, guest_channel_ids):
        channel_id = require_id(channel.id)
        # Like any channel join: a newcomer starts with nothing unread, and the channel and the joiner hear of it.
        session.add(ChannelMember(channel_id=channel_id, user_id=user_id, last_read_message_id=channel.last_message_id))
        joined = MemberJoined(workspace_id=workspace_id, channel_id=channel_id, user=view)
        uow.publish_many([(channel_topic(channel_id), joined), (user_topic(user_id), joined)])
    session.flush()


def _first_channels(
    session: Session, workspace_id: int, role: WorkspaceRole, guest_channel_ids: Sequence[int]
) -> list[Channel]:
    """#general and the default channels for a member; the invite's channels for a guest (open ones only)."""
    if is_guest_role(role):
        wanted = list(guest_channel_ids)
        names: tuple[str, ...] = ()
    else:
        wanted = list(parse_ids(settings_in_session(session, workspace_id).default_channel_ids))
        names = (GENERAL_CHANNEL_NAME,)
    found = session.exec(
        select(Channel)
        .where(
            Channel.workspace_id == workspace_id,
            col(Channel.kind).in_((ChannelKind.PUBLIC, ChannelKind.PRIVATE)),
            col(Channel.archived).is_(False),
            (col(Channel.id).in_(wanted) | col(Channel.name).in_(names)),
        )
        .order_by(col(Channel.id))
    ).all()
    return [channel for channel in found if channel.kind == ChannelKind.PUBLIC or channel.id in wanted]


def _channel_ids_by_name(session: Session, workspace_id: int, names: Sequence[str]) -> list[int]:
    wanted = [name.strip().removeprefix('#').lower() for name in names if name.strip()]
    rows = session.exec(
        select(Channel.name, Channel.id).where(Channel.workspace_id == workspace_id, col(Channel.name).in_(wanted))
    ).all()
    found = {name: channel_id for name, channel_id in rows if channel_id is not None}
    if missing := [name for name in wanted if name not in found]:
        raise NotFound(f'No channel called {", ".join("#" + name for name in missing)} in this workspace.')
    return [found[name] for name in wanted]


def _guest_channels(session: Session, workspace_id: int, channel_ids: Sequence[int]) -> list[int]:
    """A guest invite names at least one open channel of this workspace, and only such channels."""
    wanted = list(dict.fromkeys(int(i) for i in channel_ids))
    if not wanted:
        raise InvalidInput('A guest invite must name at least one channel the guest may see.')
    if len(wanted) > 50:
        raise InvalidInput('A guest invite can name at most 50 channels.')
    found = set(
        session.exec(
            select(Channel.id).where(
                col(Channel.id).in_(wanted),
                Channel.workspace_id == workspace_id,
                col(Channel.kind).in_((ChannelKind.PUBLIC, ChannelKind.PRIVATE)),
                col(Channel.archived).is_(False),
            )
        ).all()
    )
    if any(i not in found for i in wanted):
        raise InvalidInput('A guest invite can only name open channels of this workspace.')
    return wanted


def _free_slug(session: Session, base: str) -> str:
    taken = set(session.exec(select(Workspace.slug).where(col(Workspace.slug).startswith(base))).all())
    if base not in taken:
        return base
    counter = 2
    while f'{base}-{counter}' in taken:
        counter += 1
    return f'{base}-{counter}'


def _require_admin(session: Session, actor_id: int, workspace_id: int) -> WorkspaceMember:
    member = workspace_membership(session, workspace_id, actor_id)
    if member is None:
        raise NotFound(WORKSPACE_NOT_FOUND)  # outsiders cannot tell a private workspace from a missing one
    if not is_admin_role(member.role):
        raise Forbidden('Only workspace owners and admins can manage invites.')
    return member
