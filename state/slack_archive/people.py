"""The export's people become ours: matched by e-mail, else created without a password (an invitation to the
address lets them claim the account); bots become bot users. Everyone joins the workspace."""

from __future__ import annotations

import re
import secrets

from sqlmodel import Session, select

from db.models import BOT_EMAIL_DOMAIN, User, WorkspaceMember, WorkspaceRole
from state.actions.accounts import clean_display_name
from state.errors import InvalidInput
from state.security import UNUSABLE_PASSWORD, normalize_email
from state.slack_archive.idmap import IdMap
from state.slack_archive.records import SlackUser
from state.slack_archive.report import ImportReport

# People without an address in the export get one that can never receive mail (RFC 2606), unique per Slack id.
PLACEHOLDER_DOMAIN = 'slack-import.invalid'
_EMAIL_RE = re.compile(r'[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,60}')


def import_people(
    session: Session, workspace_id: int, users: list[SlackUser], ids: IdMap, report: ImportReport
) -> None:
    for slack_user in users:
        if ids.get('user', slack_user.sid) is not None:
            report.already['users'] += 1
            continue
        user = _match_or_create(session, slack_user, report)
        user_id = user.id
        if user_id is None:
            raise AssertionError('flushed user has an id')
        if session.get(WorkspaceMember, (workspace_id, user_id)) is None:
            session.add(WorkspaceMember(workspace_id=workspace_id, user_id=user_id, role=WorkspaceRole.MEMBER))
        ids.put(session, 'user', slack_user.sid, user_id)
        if slack_user.bot_id is not None and ids.get('bot', slack_user.bot_id) is None:
            ids.put(session, 'bot', slack_user.bot_id, user_id)  # its posts name the bot id: one bot user
    session.flush()


def bot_user(session: Session, workspace_id: int, key: str, name: str, ids: IdMap, report: ImportReport) -> int:
    """The bot user that stands for one Slack bot (by bot id, or its name when there is none)."""
    found = ids.get('bot', key)
    if found is not None:
        return found
    bot = User(
        email=f'bot-{secrets.token_hex(8)}@{BOT_EMAIL_DOMAIN}',
        display_name=_display_name(name or key, fallback=key),
        password_hash=UNUSABLE_PASSWORD,
    )
    session.add(bot)
    session.flush()
    if bot.id is None:
        raise AssertionError('flushed user has an id')
    session.add(WorkspaceMember(workspace_id=workspace_id, user_id=bot.id, role=WorkspaceRole.MEMBER))
    ids.put(session, 'bot', key, bot.id)
    report.add('bot users')
    return bot.id


def _match_or_create(session: Session, slack_user: SlackUser, report: ImportReport) -> User:
    email = _usable_email(slack_user)
    if email is not None:
        existing = session.exec(select(User).where(User.email == email)).first()
        if existing is not None:
            report.add('people matched by e-mail')
            return existing
    elif not slack_user.is_bot:
        report.skip('people without an e-mail address in the export got a placeholder address', slack_user.sid)
    domain = BOT_EMAIL_DOMAIN if slack_user.is_bot else PLACEHOLDER_DOMAIN
    user = User(
        email=email or f'slack-{slack_user.sid.lower()}@{domain}',
        display_name=_display_name(slack_user.name, fallback=slack_user.sid),
        password_hash=UNUSABLE_PASSWORD,  # nobody can log in until the account is claimed through an invitation
        is_active=not slack_user.deleted,
    )
    session.add(user)
    session.flush()
    report.add('bot users' if slack_user.is_bot else 'new people (no password until invited)')
    return user


def _usable_email(slack_user: SlackUser) -> str | None:
    if slack_user.is_bot or slack_user.email is None:
        return None
    email = normalize_email(slack_user.email)
    return email if _EMAIL_RE.fullmatch(email) and not email.endswith('.invalid') else None


def _display_name(name: str, *, fallback: str) -> str:
    try:
        return clean_display_name(name[:80])
    except InvalidInput:  # control characters or only whitespace: the Slack id is at least readable
        return fallback
