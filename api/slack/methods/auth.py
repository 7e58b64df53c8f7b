"""auth.test, auth.revoke and api.test."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from api.slack.errors import SlackError
from api.slack.ids import bot_sid, team_sid, user_sid
from api.slack.registry import Args, Caller, NoArgs, Result, method
from state.actions.tokens import revoke_api_token


class ApiTestArgs(Args):
    model_config = ConfigDict(extra='allow')
    error: str | None = None


@method('api.test', ApiTestArgs, needs_token=False)
def api_test(caller: Caller, args: ApiTestArgs) -> Result:
    """Echo the arguments; `error=x` answers that error, as Slack's does."""
    if args.error:
        raise SlackError(args.error[:100])
    echoed: dict[str, Any] = {k: v for k, v in (args.model_extra or {}).items() if isinstance(v, str | int | bool)}
    return {'args': echoed} if echoed else {}


@method('auth.test', NoArgs)
def auth_test(caller: Caller, args: NoArgs) -> Result:
    me = caller.me
    result: Result = {
        'url': f'{caller.base_url.rstrip("/")}/w/{me.workspace_slug}/',
        'team': me.workspace_name,
        'user': me.user_name,
        'team_id': team_sid(me.workspace_id),
        'user_id': user_sid(me.user_id),
        'is_enterprise_install': False,
    }
    if me.is_bot:
        result['bot_id'] = bot_sid(me.user_id)
    return result


class RevokeArgs(Args):
    test: bool = False


@method('auth.revoke', RevokeArgs)
def auth_revoke(caller: Caller, args: RevokeArgs) -> Result:
    """Revoke the calling token itself (`test=true` only says whether it would)."""
    if args.test:
        return {'revoked': False}
    return {'revoked': revoke_api_token(caller.me.token_id)}
