"""The CLI's commands (`main.py create-user | create-token | create-app | create-webhook | create-command |
grant-server-admin | seed-demo | import-slack | export | backup | restore`).

Each returns an exit code. They call the same actions as the UI. Results go to stdout (a token alone on its line,
or `name=value` lines, so scripts can capture them); problems go to stderr with exit code 1.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from db.engine import read_session
from db.models import User, WorkspaceRole
from db.workspace_queries import membership, workspace_by_name_or_slug
from settings import get_settings
from state.actions.accounts import sign_up
from state.actions.app_events_url import verify_events_url
from state.actions.apps import DEFAULT_EVENT_TYPES
from state.actions.apps import create_app as create_app_action
from state.actions.custom_commands import create_command_for_operator
from state.actions.members import deactivate_member, reactivate_member, set_member_role
from state.actions.server_admins import set_server_admin
from state.actions.slack_archive import export_slack_archive, import_slack_export
from state.actions.tokens import create_api_token
from state.actions.webhooks import create_webhook_for_operator
from state.actions.workspaces import add_member, create_workspace
from state.errors import ActionError
from state.security import normalize_email

R = TypeVar('R')


def create_user(
    email: str,
    name: str,
    password: str,
    workspace: str | None = None,
    *,
    admin: bool = False,
    server_admin: bool = False,
    guest_in: str | None = None,
) -> int:
    """Create an account; with `workspace`, join it (creating it, with #general and this user as owner, if new).

    `guest_in` ("plans,design"): join the existing workspace as a guest who sees only those channels.
    """
    try:
        user = sign_up(email, name, password)
        user_id = _id(user.id)
        print(f'created user {user.email} (id {user_id})')
        if server_admin:
            set_server_admin(user.email)
            print(f'{user.email} is a server admin')
        if workspace is None:
            return 0
        existing = workspace_by_name_or_slug(workspace)
        if guest_in is not None:
            if existing is None:
                return _fail(f'There is no workspace called "{workspace}" to be a guest in.')
            channels = [part for part in guest_in.split(',') if part.strip()]
            add_member(_id(existing.id), user_id, WorkspaceRole.GUEST, guest_channels=channels)
            print(f'{user.email} joined "{existing.name}" (/w/{existing.slug}) as a guest in {", ".join(channels)}')
            return 0
        if existing is None:
            created = create_workspace(user_id, workspace)
            print(f'created workspace "{created.name}" at /w/{created.slug}; {user.email} is its owner')
            return 0
        member = add_member(_id(existing.id), user_id, WorkspaceRole.ADMIN if admin else WorkspaceRole.MEMBER)
        print(f'{user.email} joined "{existing.name}" (/w/{existing.slug}) as {member.role}')
        return 0
    except ActionError as error:
        return _fail(error.message)


def grant_server_admin(email: str, *, revoke: bool = False) -> int:
    """Make the account a server admin (or, with `revoke`, no longer one)."""
    try:
        user = set_server_admin(email, admin=not revoke)
    except ActionError as error:
        return _fail(error.message)
    print(f'{user.email} is {"no longer " if revoke else ""}a server admin')
    return 0


def create_token(email: str, workspace: str, bot_name: str | None = None) -> int:
    """Print a new API token for the user in the workspace, or for a new bot there when `bot_name` is given."""
    try:
        user = _user_by_email(email)
        target = workspace_by_name_or_slug(workspace)
        if target is None or membership(_id(target.id), _id(user.id)) is None:
            return _fail(f'{user.email} is not a member of a workspace called "{workspace}".')
        token = create_api_token(_id(user.id), _id(target.id), name='created on the command line', bot_name=bot_name)
    except ActionError as error:
        return _fail(error.message)
    print(token)
    return 0


def create_app(
    workspace: str, name: str, events_url: str = '', *, socket_mode: bool = False, events: str | None = None
) -> int:
    """Print a new app's secrets, one `name=value` per line: `bot_token`, `signing_secret`, and `app_token`."""
    target = workspace_by_name_or_slug(workspace)
    if target is None:
        return _fail(f'There is no workspace called "{workspace}".')
    try:
        types = DEFAULT_EVENT_TYPES if events is None else tuple(events.split(','))
        made = create_app_action(
            None, _id(target.id), name, events_url=events_url, socket_mode=socket_mode, event_types=types
        )
    except ActionError as error:
        return _fail(error.message)
    print(f'app_id={made.id}')
    print(f'bot_token={made.bot_token}')
    print(f'signing_secret={made.signing_secret}')
    if made.app_token is not None:
        print(f'app_token={made.app_token}')
    if made_url := events_url.strip():
        verified = verify_events_url(made.id)
        print(f'url_verified={"yes" if verified else "no"}')
        if not verified:
            print(f'{made_url} did not answer url_verification; events are sent to it anyway', file=sys.stderr)
    return 0


def create_webhook(workspace: str, channel: str, name: str) -> int:
    """Print a new incoming webhook's URL (the last word of the output) for a channel of the workspace."""
    target = workspace_by_name_or_slug(workspace)
    if target is None:
        return _fail(f'There is no workspace called "{workspace}".')
    try:
        made = create_webhook_for_operator(_id(target.id), channel, name)
    except ActionError as error:
        return _fail(error.message)
    url = get_settings().resolved_public_url + made.path
    print(f'created incoming webhook "{made.name}" for #{channel.removeprefix("#")}: {url}')
    return 0


def create_command(workspace: str, command: str, url: str, description: str = '') -> int:
    """Register a custom slash command; prints `command=/name` and `signing_secret=…`, one `name=value` a line."""
    target = workspace_by_name_or_slug(workspace)
    if target is None:
        return _fail(f'There is no workspace called "{workspace}".')
    try:
        made = create_command_for_operator(_id(target.id), command, url, description)
    except ActionError as error:
        return _fail(error.message)
    print(f'command=/{made.name}')
    print(f'signing_secret={made.signing_secret}')
    return 0


def seed_demo() -> int:
    """Fill a "Demo" workspace with people, channels and a few days of history (see demo/seed.py)."""
    from demo.seed import DemoExists, seed

    try:
        result = seed()
    except DemoExists as exists:  # running it twice is fine: the demo is there
        print(str(exists))
        return 0
    except ActionError as error:
        return _fail(error.message)
    print(f'seeded workspace "{result.workspace_name}" at /w/{result.workspace_slug}: {result.messages} messages')
    print(f'log in as any of these, all with the password {result.password!r}:')
    for email, name in result.people:
        print(f'  {email}  ({name})')
    return 0


def backup(out: str) -> int:
    """Write a consistent backup of the running server's database and data dir to `out` (db/backup/)."""
    from db.backup.archive import BackupError
    from db.backup.take import take_backup

    settings = get_settings()
    try:
        result = take_backup(settings.data_dir, settings.resolved_database_url, Path(out))
    except BackupError as error:
        return _fail(str(error))
    except OSError as error:  # a full disk, a directory we may not write: nothing was left under that name
        return _fail(f'the backup failed: {error}')
    manifest = result.manifest
    print(f'backup={result.path}')
    print(f'database={manifest.database} schema_revision={manifest.schema_revision} files={manifest.data_files}')
    print(f'bytes={result.bytes}')
    if result.vanished:
        print(f'{result.vanished} file(s) were deleted while the backup ran and are not in it', file=sys.stderr)
    return 0


def restore(archive: str) -> int:
    """Restore a backup into an empty data dir (and database); the server migrates the schema when it starts."""
    from db.backup.archive import BackupError
    from db.backup.restore import restore_backup

    settings = get_settings()
    try:
        result = restore_backup(Path(archive), settings.data_dir, settings.resolved_database_url)
    except BackupError as error:
        return _fail(str(error))
    except OSError as error:  # the staging directory is gone again; the data dir is as it was
        return _fail(f'the restore failed: {error}')
    manifest = result.manifest
    print(f'restored the {manifest.database} backup of {manifest.created_at.isoformat()} into {result.data_dir}')
    print(f'schema_revision={manifest.schema_revision} files={result.data_files}')
    print('start the server as usual: it brings the schema to the newest revision')
    return 0


def import_slack(archive: str, workspace: str) -> int:
    """Import a Slack export into an existing workspace; progress on stderr, the report on stdout."""
    target = workspace_by_name_or_slug(workspace)
    if target is None:
        return _fail(f'There is no workspace called "{workspace}"; create it first (create-user --workspace).')
    path = Path(archive)
    if not path.is_file():
        return _fail(f'{archive} is not a file.')
    workspace_id = _id(target.id)
    try:
        report = _on_the_cluster_bus(lambda: import_slack_export(None, workspace_id, path, progress=_progress_line))
    except ActionError as error:
        print(file=sys.stderr)
        return _fail(error.message)
    except SQLAlchemyError as error:  # what was written stays, recorded: running it again continues
        print(file=sys.stderr)
        return _fail(f'the import stopped ({error.__class__.__name__}); run it again to continue where it stopped')
    print(file=sys.stderr)
    for line in report.lines():
        print(line)
    return 0


def export_slack(workspace: str, out: str) -> int:
    """Write the workspace as a Slack export (plus our extras under teamchat/) to `out`."""
    target = workspace_by_name_or_slug(workspace)
    if target is None:
        return _fail(f'There is no workspace called "{workspace}".')
    try:
        report = export_slack_archive(None, _id(target.id), Path(out), progress=_progress_line)
    except (ActionError, OSError) as error:
        print(file=sys.stderr)
        return _fail(error.message if isinstance(error, ActionError) else str(error))
    print(file=sys.stderr)
    for line in report.lines():
        print(line)
    print(f'wrote {out}')
    return 0


def _on_the_cluster_bus(work: Callable[[], R]) -> R:
    """Run `work` with the bus on Redis when the nodes share one (CHAT_REDIS_URL), so the events it publishes
    (the import's one summary) reach the running servers' open tabs; without Redis they see it on reconnect."""
    redis_url = get_settings().redis_url
    if not redis_url:
        return work()
    from state.bus import bus
    from state.bus_redis import RedisBackend

    async def run() -> R:
        await bus.start(RedisBackend(redis_url))
        try:
            return await asyncio.to_thread(work)  # off the loop, which carries the events to Redis
        finally:
            await bus.stop()  # lets queued events leave first

    return asyncio.run(run())


def _progress_line(done: int, total: int, what: str) -> None:
    """One line on stderr, rewritten in place: a bar of the conversations done and what is being done."""
    width = 30
    filled = width * done // total if total else width
    print(f'\r[{"#" * filled}{"." * (width - filled)}] {done}/{total} {what[:60]:<60}', end='', file=sys.stderr)


def _user_by_email(email: str) -> User:
    normalized = normalize_email(email)
    with read_session() as session:
        user = session.exec(select(User).where(User.email == normalized)).first()
    if user is None:
        raise ActionError(f'There is no account with the email {normalized}.')
    return user


def set_member(workspace: str, email: str, *, role: str | None = None, active: bool | None = None) -> int:
    """The operator's path to a member's role and activation (say, to reactivate a workspace's only owner)."""
    try:
        user = _user_by_email(email)
        target = workspace_by_name_or_slug(workspace)
        if target is None or membership(_id(target.id), _id(user.id)) is None:
            return _fail(f'{user.email} is not a member of a workspace called "{workspace}".')
        if role is not None:
            set_member_role(None, _id(target.id), _id(user.id), role)
        if active is True:
            reactivate_member(None, _id(target.id), _id(user.id))
        elif active is False:
            deactivate_member(None, _id(target.id), _id(user.id))
        found = membership(_id(target.id), _id(user.id))
    except ActionError as error:
        return _fail(error.message)
    state = 'deactivated' if found is None or found.deactivated_at is not None else 'active'
    print(f'{user.email} is {found.role if found else "gone"} in "{target.name}", {state}')
    return 0


def _id(value: int | None) -> int:
    if value is None:
        raise AssertionError('a stored row has an id')
    return value


def _fail(message: str) -> int:
    print(f'error: {message}', file=sys.stderr)
    return 1
