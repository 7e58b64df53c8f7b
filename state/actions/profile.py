"""A person's own settings: display name, custom status, manual presence (away / busy), read receipts and
digest e-mails.

Status changes go out as `UserChanged` on every workspace the person is in. Manual presence is stored (it
survives restarts) and handed to the presence store, which publishes the resulting presence diff.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from db.models import User, WorkspaceMember, utcnow
from state.actions.accounts import clean_display_name
from state.actions.guards import active_user, require_id
from state.bus import user_topic, workspace_topic
from state.errors import InvalidInput
from state.events import Event, UserChanged, UserView
from state.render import canonical_shortcode
from state.stores import presence
from state.text_safety import strip_unsafe_characters
from state.unit_of_work import unit_of_work, unit_of_work_of

MAX_STATUS_TEXT = 100
MANUAL_STATUSES = ('away', 'busy')


def set_status(actor_id: int, text: str, emoji: str, expires_at: datetime | None = None) -> UserView:
    """Set (or, with empty text and emoji, clear) the custom status shown beside the name."""
    clean_text = ' '.join(strip_unsafe_characters(text or '').split())
    if len(clean_text) > MAX_STATUS_TEXT:
        raise InvalidInput(f'A status can be at most {MAX_STATUS_TEXT} characters long.')
    shortcode = ''
    if emoji:
        known = canonical_shortcode(emoji)
        if known is None:
            raise InvalidInput(f'Unknown emoji: {emoji[:40]!r}.')
        shortcode = known
    expiry = _future(expires_at)
    with unit_of_work() as uow:
        session = uow.session
        user = active_user(session, actor_id)
        user.status_text = clean_text
        user.status_emoji = shortcode
        user.status_expires_at = expiry if (clean_text or shortcode) else None
        session.add(user)
        view = user_view(user)
        _to_workspaces(session, actor_id, UserChanged(user=view))
    return view


def set_display_name(actor_id: int, name: str) -> UserView:
    """The name everyone sees (users.profile.set); the same rules as at sign-up."""
    clean = clean_display_name(name)
    with unit_of_work() as uow:
        session = uow.session
        user = active_user(session, actor_id)
        if user.display_name == clean:
            return user_view(user)
        user.display_name = clean
        session.add(user)
        view = user_view(user)
        _to_workspaces(session, actor_id, UserChanged(user=view))
    return view


def set_manual_presence(actor_id: int, status: str | None, expires_at: datetime | None = None) -> str:
    """Show as 'away' or 'busy' regardless of activity (until `expires_at`), or None to go back to automatic.

    Returns the effective presence afterwards.
    """
    if status is not None and status not in MANUAL_STATUSES:
        raise InvalidInput("Presence can be set to 'away', 'busy', or back to automatic.")
    expiry = _future(expires_at) if status is not None else None
    with unit_of_work() as uow:
        session = uow.session
        user = active_user(session, actor_id)
        user.manual_status = status
        user.manual_status_expires_at = expiry
        session.add(user)
    presence.store.set_manual(actor_id, status, expiry)
    return presence.store.status_of(actor_id)


def set_read_receipts(actor_id: int, enabled: bool) -> UserView:
    """Whether others see how far this person has read ("seen by")."""
    with unit_of_work() as uow:
        session = uow.session
        user = active_user(session, actor_id)
        changed = user.send_read_receipts != bool(enabled)
        user.send_read_receipts = bool(enabled)
        session.add(user)
        view = user_view(user)
        if changed:  # the person's other tabs update their settings
            uow.publish(user_topic(actor_id), UserChanged(user=view))
    return view


def set_email_notifications(actor_id: int, enabled: bool) -> bool:
    """Whether this person gets digest e-mails about what they missed while offline (docs/email.md)."""
    with unit_of_work() as uow:
        user = active_user(uow.session, actor_id)
        user.email_notifications = bool(enabled)
        uow.session.add(user)
    return bool(enabled)


def user_view(user: User) -> UserView:
    return UserView(
        id=require_id(user.id),
        display_name=user.display_name,
        status_text=user.status_text,
        status_emoji=user.status_emoji,
        avatar_version=user.avatar_version,
    )


def _future(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if aware <= utcnow():
        raise InvalidInput('The expiry time must be in the future.')
    return aware


def publish_user_changed(session: Session, user_id: int, view: UserView) -> None:
    """Tell every workspace of the person (rosters, profile cards, message lists) after the commit."""
    _to_workspaces(session, user_id, UserChanged(user=view))


def _to_workspaces(session: Session, user_id: int, event: Event) -> None:
    workspace_ids = session.exec(select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user_id)).all()
    unit_of_work_of(session).publish_many((workspace_topic(workspace_id), event) for workspace_id in workspace_ids)


def expire_statuses() -> int:
    """Clear custom statuses whose expiry passed (run by the app timer); returns how many were cleared."""
    with unit_of_work() as uow:
        session = uow.session
        expired = session.exec(
            select(User).where(col(User.status_expires_at).is_not(None), col(User.status_expires_at) <= utcnow())
        ).all()
        for user in expired:
            user.status_text = ''
            user.status_emoji = ''
            user.status_expires_at = None
            session.add(user)
            _to_workspaces(session, require_id(user.id), UserChanged(user=user_view(user)))
    return len(expired)
