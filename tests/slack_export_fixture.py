"""A small Slack workspace export, generated: the shapes of Slack's standard export, with one of each thing the
import handles (threads, edits, reactions, a bot post, mentions, channel links, URLs, files, notices, HTML).

`write_export(path)` writes the zip; `members()` gives its files as a dict so a test can change one and write
it with `write_members`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

ADA, BOB, CY, DAN, BOT, GHOST = 'U0ADA0001', 'U0BOB0002', 'U0CY00003', 'U0DAN0004', 'U0BOT0005', 'U0GHOST99'
GENERAL, RANDOM, PLANS, DM, MPIM = 'C0GENERAL', 'C0RANDOM1', 'G0PLANS01', 'D0ADABOB1', 'G0MPIM001'
DAY1, DAY2 = 1704189600, 1704276000  # 2024-01-02 10:00 and 2024-01-03 10:00 UTC
ADA_EMAIL = 'ada@example.com'


def ts(seconds: int, micro: int = 0) -> str:
    return f'{seconds}.{micro:06d}'


def _user(sid: str, name: str, email: str | None, **extra: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {'real_name': name, 'display_name': name}
    if email:
        profile['email'] = email
    return {'id': sid, 'name': name.lower(), 'real_name': name, 'deleted': False, 'profile': profile, **extra}


def _channel(sid: str, name: str, members: list[str], **extra: Any) -> dict[str, Any]:
    return {
        'id': sid,
        'name': name,
        'created': DAY1 - 86400,
        'creator': ADA,
        'is_archived': False,
        'is_general': False,
        'members': members,
        'topic': {'value': '', 'creator': '', 'last_set': 0},
        'purpose': {'value': '', 'creator': '', 'last_set': 0},
        **extra,
    }


def _message(user: str, text: str, when: str, **extra: Any) -> dict[str, Any]:
    return {'type': 'message', 'user': user, 'text': text, 'ts': when, **extra}


ROOT_TS = ts(DAY1, 100)


def members() -> dict[str, Any]:
    users = [
        _user(ADA, 'Ada Lovelace', ADA_EMAIL),
        _user(BOB, 'Bob', 'bob@example.com'),
        _user(CY, 'Cy', 'cy@example.com'),
        _user(DAN, 'Dan', 'dan@example.com', deleted=True),
        {'id': BOT, 'name': 'deploybot', 'is_bot': True, 'profile': {'real_name': 'Deploy Bot', 'bot_id': 'B0DEPLOY'}},
    ]
    general = _channel(GENERAL, 'general', [ADA, BOB, CY], is_general=True)
    general['purpose'] = {'value': 'Company-wide announcements', 'creator': ADA, 'last_set': DAY1}
    random = _channel(RANDOM, 'random', [ADA, BOB])
    random['topic'] = {'value': 'Anything <b>goes</b>', 'creator': ADA, 'last_set': DAY1}
    plans = _channel(PLANS, 'secret-plans', [ADA, BOB])
    plans['purpose'] = {'value': 'Only the two of us', 'creator': ADA, 'last_set': DAY1}
    mpim = _channel(MPIM, 'mpdm-ada--bob--cy-1', [ADA, BOB, CY])
    general_day1 = [
        _message(ADA, '', ts(DAY1, 50), subtype='channel_join'),
        _message(
            ADA,
            'Hello <@U0BOB0002>, see <#C0RANDOM1|random> and <https://example.com/docs|the docs> *now*',
            ROOT_TS,
            reply_count=2,
            thread_ts=ROOT_TS,
            reactions=[
                {'name': '+1', 'users': [BOB, CY], 'count': 2},
                {'name': 'party_parrot_custom', 'users': [BOB], 'count': 1},
            ],
        ),
        _message(BOB, 'A reply in the thread', ts(DAY1, 200), thread_ts=ROOT_TS, parent_user_id=ADA),
        _message(
            CY,
            'Typo fixed &lt;script&gt;alert(1)&lt;/script&gt; <img src=x onerror=alert(2)>',
            ts(DAY1, 300),
            edited={'user': CY, 'ts': ts(DAY1 + 60)},
        ),
        {
            'type': 'message',
            'subtype': 'bot_message',
            'bot_id': 'B0DEPLOY',
            'username': 'Deploy Bot',
            'text': '',
            'ts': ts(DAY1, 400),
            'attachments': [{'fallback': 'Deployed v1.2', 'text': 'Deployed *v1.2* to production'}],
        },
        _message(GHOST, 'I am not in users.json', ts(DAY1, 500)),
        _message(
            BOB,
            'Here is the file',
            ts(DAY1, 600),
            files=[
                {
                    'id': 'F0FILE001',
                    'name': 'plan.pdf',
                    'url_private': 'https://files.slack.com/files-pri/T0/F0FILE001/plan.pdf',
                }
            ],
        ),
    ]
    general_day2 = [
        _message(CY, 'Second reply, a day later', ts(DAY2, 100), thread_ts=ROOT_TS, parent_user_id=ADA),
        _message(DAN, 'Dan was here before leaving', ts(DAY2, 200)),
    ]
    return {
        'users.json': users,
        'channels.json': [general, random],
        'groups.json': [plans],
        'dms.json': [{'id': DM, 'created': DAY1, 'members': [ADA, BOB]}],
        'mpims.json': [mpim],
        'general/2024-01-02.json': general_day1,
        'general/2024-01-03.json': general_day2,
        'random/2024-01-02.json': [_message(BOB, 'Random thought', ts(DAY1, 700))],
        'secret-plans/2024-01-02.json': [_message(ADA, 'The plan, <@U0BOB0002>', ts(DAY1, 800))],
        f'{DM}/2024-01-02.json': [_message(BOB, 'Psst, Ada', ts(DAY1, 900))],
        'mpdm-ada--bob--cy-1/2024-01-03.json': [_message(CY, 'Hi both', ts(DAY2, 300))],
    }


def write_members(path: Path, files: dict[str, Any]) -> Path:
    """Write `files` (name -> JSON value, or bytes as they are) as a zip."""
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, value in files.items():
            archive.writestr(name, value if isinstance(value, bytes) else json.dumps(value))
    return path


def write_export(path: Path) -> Path:
    return write_members(path, members())
