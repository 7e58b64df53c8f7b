"""Slack's request signing (v0): how an app knows a request came from us, and how we check one sent to us.

The signature is `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the app's signing secret, sent as
`X-Slack-Signature` beside `X-Slack-Request-Timestamp` (Unix seconds). A receiver rejects timestamps more than
five minutes off, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = 'X-Slack-Signature'
TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp'
MAX_CLOCK_SKEW_SECONDS = 300


def verification_token(signing_secret: str) -> str:
    """Slack's deprecated per-app verification `token` in every payload: derived from the signing secret, so
    nothing more is stored and it changes with the secret."""
    return hmac.new(signing_secret.encode(), b'verification-token', hashlib.sha256).hexdigest()[:24]


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    base = b'v0:' + str(timestamp).encode() + b':' + body
    return 'v0=' + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The two headers that sign `body`, stamped with the current time."""
    timestamp = int(time.time() if now is None else now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def is_valid_signature(secret: str, timestamp: str, body: bytes, given: str, now: float | None = None) -> bool:
    """Whether `given` signs `body` at `timestamp`, and the timestamp is recent."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > MAX_CLOCK_SKEW_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), given)
