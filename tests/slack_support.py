"""Helpers for the Web API tests: a workspace with tokens, and a caller that speaks Slack's HTTP style."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from api.slack.ids import channel_id_of, channel_sid, ts_of
from db.models import ChannelKind
from state.actions.tokens import create_api_token
from tests.factories import add_member, general_of, make_channel, make_user, make_workspace


@dataclass(frozen=True)
class ApiWorld:
    ada: int  # owner; in every channel of the workspace
    bob: int  # member; in #general, #secret and #old
    carl: int  # member; only in #general
    eve: int  # another workspace
    workspace: int
    general: str  # Slack ids of the channels
    secret: str  # private: ada and bob
    side: str  # public: ada only
    old: str  # archived public: ada and bob
    elsewhere: str  # eve's #general
    ada_token: str
    bob_token: str
    carl_token: str
    eve_token: str
    bot_token: str  # a bot made by ada; member of #general


def make_api_world() -> ApiWorld:
    ada, bob, carl, eve = make_user('Ada'), make_user('Bob'), make_user('Carl'), make_user('Eve')
    workspace = make_workspace(ada)
    add_member(workspace, bob)
    add_member(workspace, carl)
    other = make_workspace(eve, 'Other')
    secret = make_channel(workspace, 'secret', [ada, bob], kind=ChannelKind.PRIVATE)
    side = make_channel(workspace, 'side', [ada])
    old = make_channel(workspace, 'old', [ada, bob], archived=True)
    ids = [u.id for u in (ada, bob, carl, eve)] + [workspace.id, other.id]
    assert all(i is not None for i in ids)
    ada_id, bob_id, carl_id, eve_id, workspace_id, other_id = (int(i or 0) for i in ids)
    return ApiWorld(
        ada=ada_id,
        bob=bob_id,
        carl=carl_id,
        eve=eve_id,
        workspace=workspace_id,
        general=_sid(general_of(workspace).id),
        secret=channel_sid(int(secret.id or 0), ChannelKind.PRIVATE),
        side=_sid(side.id),
        old=_sid(old.id),
        elsewhere=_sid(general_of(other).id),
        ada_token=create_api_token(ada_id, workspace_id),
        bob_token=create_api_token(bob_id, workspace_id),
        carl_token=create_api_token(carl_id, workspace_id),
        eve_token=create_api_token(eve_id, other_id),
        bot_token=create_api_token(ada_id, workspace_id, bot_name='Deploy Bot'),
    )


def _sid(channel_id: int | None) -> str:
    assert channel_id is not None
    return channel_sid(channel_id, ChannelKind.PUBLIC)


class SlackCaller:
    """POSTs form-encoded arguments with a Bearer token, like most Slack clients."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def raw(self, method: str, token: str | None, **args: Any) -> httpx.Response:
        headers = {'Authorization': f'Bearer {token}'} if token is not None else {}
        return await self.client.post(f'/api/{method}', data=_form(args), headers=headers)

    async def __call__(self, method: str, token: str | None, **args: Any) -> dict[str, Any]:
        response = await self.raw(method, token, **args)
        assert response.status_code == 200, response.text
        body = response.json()
        assert isinstance(body, dict)
        return body

    async def ok(self, method: str, token: str | None, **args: Any) -> dict[str, Any]:
        body = await self(method, token, **args)
        assert body['ok'] is True, body
        return body

    async def error(self, method: str, token: str | None, **args: Any) -> str:
        body = await self(method, token, **args)
        assert body['ok'] is False, body
        return str(body['error'])


def _form(args: dict[str, Any]) -> dict[str, str]:
    return {k: ('true' if v is True else 'false' if v is False else str(v)) for k, v in args.items()}


def forged_ts(seconds: int) -> str:
    """A well-formed `ts` at which no message was sent."""
    return ts_of(seconds * 1_000_000 + 1)


def channel_int(sid: str) -> int:
    """Our channel id behind a Slack id (for checks against the database)."""
    channel_id = channel_id_of(sid)
    assert channel_id is not None
    return channel_id
