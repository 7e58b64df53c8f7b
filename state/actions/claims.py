"""Claiming an imported account: the person behind a password-less account (state/slack_archive/people.py)
sets a name and password for it by following an invitation bound to exactly its address.

The account keeps its id, so the imported history, reactions and memberships are theirs. An unbound link, one
bound to another address, an account that already has a password, or a deactivated account can never be
claimed: otherwise anyone holding a plain invite link could take over an imported identity.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import UNUSABLE_PASSWORD, User, WorkspaceMember
from state.actions.accounts import (
    ACCOUNT_DEACTIVATED,
    EMAIL_TAKEN,
    UNCLAIMED,
    awaits_claim,
    clean_display_name,
    sign_up,
)
from state.actions.audit import record_audit
from state.actions.guards import require_id
from state.actions.profile import publish_user_changed, user_view
from state.actions.workspaces import invite_and_workspace, join_by_invite, take_invite_use
from state.errors import Conflict, Forbidden, NotFound
from state.security import check_password_policy, hash_password, normalize_email
from state.throttle import ip_key, signup_throttle, taken_email_throttle
from state.unit_of_work import unit_of_work

NOTHING_TO_CLAIM = 'There is no imported account with this address to claim.'


def sign_up_or_claim(email: str, display_name: str, password: str, ip: str | None, invite_token: str) -> User:
    """The sign-up form reached through an invite link: claims the imported account of `email` when there is
    one, else signs up as usual (whose refusals say why, e.g. that an imported account needs a bound invite)."""
    normalized = normalize_email(email)
    with read_session() as session:
        existing = session.exec(select(User).where(User.email == normalized)).first()
    if existing is None or not invite_token or existing.password_hash != UNUSABLE_PASSWORD:
        return sign_up(email, display_name, password, ip)
    keys = [ip_key(ip)] if ip is not None else []
    signup_throttle.check(keys)
    taken_email_throttle.check(keys)
    try:
        return claim_account(invite_token, normalized, display_name, password)
    except Conflict:
        taken_email_throttle.record_failure(keys)  # as a refused sign-up: no testing a list of addresses here
        raise


def claim_account(invite_token: str, email: str, display_name: str, password: str) -> User:
    """Give the password-less account of `email` this name and password, spending one use of the invite.

    Raises Conflict unless the invite is bound to exactly this address and the account still awaits its claim,
    Forbidden for a deactivated account, and the invite's own errors (revoked, expired, used up).
    """
    address = normalize_email(email)
    name = clean_display_name(display_name)
    check_password_policy(password)
    with read_session() as session:  # refuse before the ~25 ms of hashing
        _claimable(session, invite_token, address)
    password_hash = hash_password(password)
    with unit_of_work() as uow:
        session = uow.session
        user, membership = _claimable(session, invite_token, address)
        invite, workspace = invite_and_workspace(session, invite_token)
        take_invite_use(session, invite)
        # Only while it still has no password: two claims racing cannot both set one.
        done = session.execute(
            update(User)
            .where(col(User.id) == user.id, col(User.password_hash) == UNUSABLE_PASSWORD, col(User.is_active))
            .values(password_hash=password_hash, display_name=name)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(EMAIL_TAKEN)
        session.refresh(user)
        if membership is None:
            join_by_invite(session, workspace, user, invite)
        user_id = require_id(user.id)
        record_audit(
            uow,
            workspace_id=invite.workspace_id,
            actor_id=user_id,
            action='account.claim',
            target_kind='user',
            target_id=user_id,
            detail={'email': address, 'invite_id': invite.id},
        )
        publish_user_changed(session, user_id, user_view(user))  # rosters and old messages show the new name
    return user


def _claimable(session: Session, invite_token: str, address: str) -> tuple[User, WorkspaceMember | None]:
    """The account to claim and its membership in the invite's workspace, or raise why it cannot be claimed."""
    user = session.exec(select(User).where(User.email == address)).first()
    if user is None:
        raise NotFound(NOTHING_TO_CLAIM)
    if not user.is_active:
        raise Forbidden(ACCOUNT_DEACTIVATED, code='account_inactive')
    if not awaits_claim(user):
        raise Conflict(EMAIL_TAKEN)  # it has a password (or is a bot): there is nothing to claim
    invite, _workspace = invite_and_workspace(session, invite_token)
    if invite.email != address:
        raise Conflict(UNCLAIMED)
    membership = session.get(WorkspaceMember, (invite.workspace_id, user.id))
    if membership is not None and membership.deactivated_at is not None:
        raise Forbidden(ACCOUNT_DEACTIVATED, code='account_inactive')
    return user, membership
