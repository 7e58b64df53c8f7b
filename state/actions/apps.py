"""Apps: a bot user with a token, a signing secret, and where its events go (an HTTP URL or Socket Mode).

Creating one needs a workspace owner or admin; the CLI (`main.py create-app`) is the operator's path and needs
no actor. The bot token (`xoxb-…`) and the app-level token (`xapp-…`, only with Socket Mode) are shown once
and kept as hashes. Disabling an app ends its tokens at once (`token_identity` and `app_for_app_token` check it)
and stops its deliveries; enabling it again brings them back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import App, Workspace
from state.actions.accounts import clean_display_name
from state.actions.audit import record_audit
from state.actions.bots import add_bot
from state.actions.guards import active_user, is_admin, require_id, workspace_membership
from state.actions.tokens import TOKEN_MAX_CHARS, issue_token
from state.actions.workspaces import WORKSPACE_NOT_FOUND
from state.app_events import outbox
from state.bus import workspace_topic
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import AppChanged, AppsChanged
from state.security import new_token, token_hash
from state.unit_of_work import UnitOfWork, unit_of_work

APP_NOT_FOUND = 'This app does not exist.'
EVENTS_URL_MAX_CHARS = 2000
# The events an app may subscribe to (Slack's names); the Events API and Socket Mode deliver these.
EVENT_TYPES = frozenset(
    {
        'message',
        'app_mention',
        'reaction_added',
        'reaction_removed',
        'member_joined_channel',
        'member_left_channel',
        'channel_created',
        'channel_rename',
        'channel_archive',
        'channel_unarchive',
        'team_join',
        'user_change',
    }
)
DEFAULT_EVENT_TYPES = ('app_mention', 'message')


@dataclass(frozen=True)
class NewApp:
    """What creating an app shows once: its tokens and signing secret."""

    id: int
    name: str
    bot_user_id: int
    bot_token: str
    signing_secret: str
    app_token: str | None  # only with Socket Mode


@dataclass(frozen=True)
class AppSummary:
    id: int
    workspace_id: int
    name: str
    bot_user_id: int
    events_url: str
    socket_mode: bool
    event_types: tuple[str, ...]
    disabled: bool
    url_verified: bool | None = None  # did the events URL answer url_verification; None: not asked yet


def create_app(
    actor_id: int | None,
    workspace_id: int,
    name: str,
    *,
    events_url: str = '',
    socket_mode: bool = False,
    event_types: tuple[str, ...] = DEFAULT_EVENT_TYPES,
    ip: str | None = None,
) -> NewApp:
    """A workspace owner or admin (or the operator, `actor_id=None`) makes an app with its bot user."""
    label = clean_display_name(name)
    url = clean_events_url(events_url)
    events = clean_event_types(event_types)
    with unit_of_work() as uow:
        session = uow.session
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:
            raise NotFound(WORKSPACE_NOT_FOUND)
        if actor_id is not None:
            require_workspace_admin(session, workspace_id, actor_id)
        bot = add_bot(session, workspace, label)
        bot_id = require_id(bot.id)
        bot_token, token_row = issue_token(session, bot_id, workspace_id, label, is_bot=True, prefix='xoxb-')
        app_token = f'xapp-{new_token()}' if socket_mode else None
        signing_secret = secrets.token_hex(16)  # Slack's are 32 hex digits
        app = App(
            workspace_id=workspace_id,
            name=label,
            bot_user_id=bot_id,
            bot_token_id=require_id(token_row.id),
            signing_secret=signing_secret,
            app_token_hash=token_hash(app_token) if app_token else None,
            events_url=url,
            socket_mode=socket_mode,
            event_types=','.join(events),
            created_by=actor_id,
        )
        session.add(app)
        session.flush()
        _announce_apps_changed(uow, workspace_id)
        record_audit(
            uow,
            workspace_id=workspace_id,
            actor_id=actor_id,
            action='app.create',
            target_kind='app',
            target_id=app.id,
            detail={'name': label},
            ip=ip,
        )
        made = NewApp(require_id(app.id), label, bot_id, bot_token, signing_secret, app_token)
    return made


def set_app_disabled(actor_id: int, app_id: int, disabled: bool, ip: str | None = None) -> None:
    """Owners and admins switch an app off (its tokens stop working at once) or on again."""
    with unit_of_work() as uow:
        session = uow.session
        app = app_for_admin(session, actor_id, app_id)
        app.disabled = disabled
        session.add(app)
        record_audit(
            uow,
            workspace_id=app.workspace_id,
            actor_id=actor_id,
            action='app.disable' if disabled else 'app.enable',
            target_kind='app',
            target_id=app.id,
            detail={'name': app.name},
            ip=ip,
        )
        _announce_apps_changed(uow, app.workspace_id)
        event = AppChanged(workspace_id=app.workspace_id, app_id=require_id(app.id), disabled=disabled)
        uow.publish(workspace_topic(app.workspace_id), event)


def workspace_apps(actor_id: int, workspace_id: int) -> list[AppSummary]:
    """The workspace's apps, for an owner or admin (the apps dialog)."""
    with read_session() as session:
        require_workspace_admin(session, workspace_id, actor_id)
        rows = session.exec(select(App).where(App.workspace_id == workspace_id).order_by(col(App.id))).all()
        return [app_summary(row) for row in rows]


def app_for_app_token(token: str) -> AppSummary | None:
    """The enabled app behind an app-level token (`xapp-…`, Socket Mode); None when unknown or disabled."""
    if not token or len(token) > TOKEN_MAX_CHARS:
        return None
    with read_session() as session:
        app = session.exec(select(App).where(App.app_token_hash == token_hash(token))).first()
        if app is None or app.disabled:
            return None
        return app_summary(app)


def enabled_app(app_id: int) -> AppSummary | None:
    """The app with this id while it is enabled (a Socket Mode connection checks it once it is open)."""
    with read_session() as session:
        app = session.get(App, app_id)
        return None if app is None or app.disabled else app_summary(app)


def app_summary(app: App) -> AppSummary:
    return AppSummary(
        id=require_id(app.id),
        workspace_id=app.workspace_id,
        name=app.name,
        bot_user_id=app.bot_user_id,
        events_url=app.events_url,
        socket_mode=app.socket_mode,
        event_types=tuple(kind for kind in app.event_types.split(',') if kind),
        disabled=app.disabled,
        url_verified=app.url_verified,
    )


def clean_events_url(url: str) -> str:
    url = url.strip()
    if not url:
        return ''
    if len(url) > EVENTS_URL_MAX_CHARS or not url.startswith(('http://', 'https://')):
        raise InvalidInput('The events URL must be an http:// or https:// address.')
    return url


def clean_event_types(event_types: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(kind.strip() for kind in event_types if kind.strip()))
    unknown = sorted(set(cleaned) - EVENT_TYPES)
    if unknown:
        raise InvalidInput(f'Unknown event types: {", ".join(unknown)}. Known: {", ".join(sorted(EVENT_TYPES))}.')
    return cleaned


def require_workspace_admin(session: Session, workspace_id: int, actor_id: int) -> None:
    active_user(session, actor_id)
    member = workspace_membership(session, workspace_id, actor_id)
    if member is None:
        raise NotFound(WORKSPACE_NOT_FOUND)
    if not is_admin(member):
        raise Forbidden('Only workspace owners and admins can manage apps.')


def _announce_apps_changed(uow: UnitOfWork, workspace_id: int) -> None:
    """Whether the workspace has apps is cached on every node (state/app_events/outbox.py): forget it."""
    uow.after_commit(lambda: outbox.forget(workspace_id))
    uow.publish(outbox.APPS_TOPIC, AppsChanged(workspace_id=workspace_id))


def app_for_admin(session: Session, actor_id: int, app_id: int) -> App:
    """The app, for an owner or admin of its workspace; "not found" for anyone outside it."""
    app = session.get(App, app_id)
    if app is None or workspace_membership(session, app.workspace_id, actor_id) is None:
        raise NotFound(APP_NOT_FOUND)
    require_workspace_admin(session, app.workspace_id, actor_id)
    return app
