"""How a delivery leaves: a small Protocol, the HTTP transport (signed POST), and an adapter for Socket Mode.

Slack's rules for HTTP: a 2xx within 3 seconds is success; otherwise the attempt failed with one of Slack's
retry reasons, which the next attempt carries in `X-Slack-Retry-Reason` beside `X-Slack-Retry-Num`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from state.actions.app_deliveries import Claim
from state.integrations.signing import signed_headers

TIMEOUT_SECONDS = 3.0
MAX_REDIRECTS = 2


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str = ''  # http_timeout | http_error | too_many_redirects | connection_failed
    error: str = ''  # for the delivery log


class Transport(Protocol):
    async def send(self, claim: Claim, payload: dict[str, Any]) -> Outcome: ...


class SocketHub(Protocol):
    """What the Socket Mode hub (api/slack/socket_mode/) offers the worker."""

    def connected_app_ids(self) -> set[int]: ...

    async def deliver(
        self,
        app_id: int,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = '',
    ) -> object | None: ...  # the ack (truthy), or None when not acked


def retry_headers(claim: Claim) -> dict[str, str]:
    if claim.attempt <= 1:
        return {}
    return {'X-Slack-Retry-Num': str(claim.attempt - 1), 'X-Slack-Retry-Reason': claim.retry_reason}


class HttpTransport:
    """POSTs the envelope as JSON, signed with the app's signing secret."""

    def __init__(self, client: httpx.AsyncClient | None = None) -> None:
        self._client = client  # made on first use, inside the loop that sends

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=TIMEOUT_SECONDS, follow_redirects=True, max_redirects=MAX_REDIRECTS
            )
        return self._client

    async def send(self, claim: Claim, payload: dict[str, Any]) -> Outcome:
        body = json.dumps(payload, separators=(',', ':')).encode()
        headers = {'Content-Type': 'application/json', **signed_headers(claim.signing_secret, body)}
        headers |= retry_headers(claim)
        try:
            response = await self._http().post(claim.events_url, content=body, headers=headers)
        except httpx.TimeoutException:
            return Outcome(False, 'http_timeout', f'no answer within {TIMEOUT_SECONDS:g} s')
        except httpx.TooManyRedirects:
            return Outcome(False, 'too_many_redirects', f'more than {MAX_REDIRECTS} redirects')
        except (httpx.TransportError, httpx.InvalidURL) as error:
            return Outcome(False, 'connection_failed', f'{type(error).__name__}: {error}'[:200])
        if 200 <= response.status_code < 300:
            return Outcome(True)
        return Outcome(False, 'http_error', f'HTTP {response.status_code}')

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class SocketTransport:
    """Delivers through the Socket Mode hub; success is the app's ack within 3 seconds."""

    def __init__(self, hub: SocketHub) -> None:
        self.hub = hub

    async def send(self, claim: Claim, payload: dict[str, Any]) -> Outcome:
        acked = await self.hub.deliver(
            claim.app_id, 'events_api', payload, retry_attempt=claim.attempt - 1, retry_reason=claim.retry_reason
        )
        return (
            Outcome(True)
            if acked is not None and acked is not False
            else Outcome(False, 'http_timeout', 'no ack over Socket Mode within 3 s')
        )
