"""Secrets out of logged URLs: the path segments that are credentials and the query values that carry one.

A credential in a URL is anything that lets its holder act: an incoming webhook's secret (`/hooks/<secret>`), a
slash command's response URL (`/commands/respond/<secret>`), an upload slot (`/api/upload/<secret>`), a Socket
Mode ticket (`/socket-mode/<ticket>`), an invitation (`/join/<token>`), and query parameters such as `token=`
(the Web API accepts its token there) or the log-in `ticket=`. Headers are never logged at all, so
`Authorization` and cookies cannot leak through the access log.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

REDACTED = '[redacted]'

# A route prefix whose next path segment is a credential.
SECRET_PATH_PREFIXES = ('/hooks/', '/commands/respond/', '/api/upload/', '/socket-mode/', '/join/')
_SECRET_PATH = re.compile('^(' + '|'.join(re.escape(prefix) for prefix in SECRET_PATH_PREFIXES) + ')[^/?#]+')

# Query parameters whose value is (or may be) a credential; matched case-insensitively, also inside longer names
# (`access_token`, `client_secret`, `x-signature`).
SECRET_PARAM_WORDS = ('token', 'ticket', 'secret', 'password', 'passwd', 'signature', 'sig', 'key', 'code', 'auth')


def is_secret_param(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_PARAM_WORDS)


def redact_path(path: str) -> str:
    return _SECRET_PATH.sub(lambda match: match.group(1) + REDACTED, path)


def redact_query(query: str) -> str:
    if not query:
        return ''
    pairs = parse_qsl(query, keep_blank_values=True)
    if not pairs:
        return REDACTED  # not a form-encoded query: nothing tells which part is harmless
    cleaned = [(name, REDACTED if is_secret_param(name) else value) for name, value in pairs]
    return urlencode(cleaned, safe='[]')


def redact_url(path: str, query: str = '') -> str:
    """`path?query` as it may be logged."""
    cleaned = redact_query(query)
    return redact_path(path) + (f'?{cleaned}' if cleaned else '')
