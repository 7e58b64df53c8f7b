"""Slack's url_verification handshake: POST a challenge to an events URL; it must answer with the challenge.

Signed like every event, so a receiver that checks signatures (Bolt does) accepts it. The answer may be the
challenge as JSON (`{"challenge": ...}`) or as plain text, as Slack allows.
"""

from __future__ import annotations

import json
import secrets

import httpx

from state.integrations.signing import signed_headers, verification_token

TIMEOUT_SECONDS = 3.0


def answers_challenge(url: str, signing_secret: str, client: httpx.Client | None = None) -> bool:
    challenge = secrets.token_urlsafe(32)
    body = json.dumps(
        {'token': verification_token(signing_secret), 'challenge': challenge, 'type': 'url_verification'}
    ).encode()
    headers = {'Content-Type': 'application/json', **signed_headers(signing_secret, body)}
    http = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True, max_redirects=2)
    try:
        response = http.post(url, content=body, headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL):
        return False
    finally:
        if client is None:
            http.close()
    if response.status_code != 200:
        return False
    if response.text.strip() == challenge:
        return True
    try:
        answer = response.json()
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get('challenge') == challenge
