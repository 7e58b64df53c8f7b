"""The upload route's CSRF token: an HMAC of the browser's login-session token under the storage secret.

The upload component puts it into the page it builds; the browser sends it back in the `X-Upload-Token`
header. A cross-site page can neither read it nor (without a CORS preflight we never grant) set a custom
header, and the token changes with every login session. Nothing is stored: it is recomputed per request.
"""

from __future__ import annotations

import hashlib
import hmac

from settings import get_settings

HEADER = 'X-Upload-Token'


def upload_token(session_token: str) -> str:
    secret = get_settings().resolved_storage_secret().encode()
    return hmac.new(secret, b'upload:' + session_token.encode(), hashlib.sha256).hexdigest()


def is_valid_upload_token(session_token: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(upload_token(session_token), presented or '')
