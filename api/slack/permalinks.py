"""Slack's permalink shape, `<base>/archives/C…/p1733150000123456` (the `ts` without its dot), and its reading.

A thread reply's link adds `?thread_ts=<root ts>&cid=C…`, as Slack's do. The page behind `/archives/…`
(pages/archives.py) opens the message for someone who may read it.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from api.slack.ids import ts_of

_P_TS = re.compile(r'p(\d{7,19})')


def slack_permalink(base_url: str, channel: str, ts_us: int, thread_ts_us: int | None = None) -> str:
    link = f'{base_url.rstrip("/")}/archives/{channel}/p{ts_us}'
    if thread_ts_us is not None:
        link += '?' + urlencode({'thread_ts': ts_of(thread_ts_us), 'cid': channel})
    return link


def ts_us_of_p(value: str) -> int | None:
    """The `ts_us` a permalink's last part (`p1733150000123456`) names, or None when it cannot be one."""
    match = _P_TS.fullmatch(value)
    return int(match.group(1)) if match is not None and int(match.group(1)) < 2**63 else None
