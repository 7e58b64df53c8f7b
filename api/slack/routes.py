"""`GET|POST /api/{method}`: authenticate, parse arguments, run the method, answer in Slack's envelope."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app
from pydantic import ValidationError

from api.slack import upload_route
from api.slack.errors import SlackError, retry_after_seconds, slack_code
from api.slack.registry import METHODS, Caller, Method, Result
from api.slack.request_args import CallInput, read_call
from api.slack.responses import failed, ok, rate_limited, unavailable
from api.slack.tiers import tier_kind
from db.errors import DatabaseUnavailable
from state.actions.apps import app_for_app_token
from state.actions.tokens import token_identity, token_of_inactive_account
from state.blocking import off_loop
from state.errors import ActionError, RateLimited
from state.rate_limit import limiter

log = logging.getLogger(__name__)


def register() -> None:
    upload_route.register()  # before the catch-all below (a route with a longer path, so no clash either way)
    app.add_api_route('/api/{method_name}', web_api, methods=['GET', 'POST'], include_in_schema=False)


async def web_api(request: Request, method_name: str) -> JSONResponse:
    try:
        spec = METHODS.get(method_name)
        call = await read_call(request, takes_file=spec is not None and spec.takes_file)
        if spec is None:
            raise SlackError('unknown_method')
        # The token check and the method touch the database: in a worker thread, so a locked or slow database
        # holds up this request only (the events the actions publish reach the browsers through the bus).
        result = await off_loop(_call_method, spec, call, str(request.base_url))
    except SlackError as error:
        return failed(error.code, error.detail)
    except ValidationError as error:
        return failed('invalid_arguments', messages=[_problem(e) for e in error.errors()])
    except RateLimited as error:
        return rate_limited(retry_after_seconds(error))
    except DatabaseUnavailable:
        return unavailable()
    except ActionError as error:
        return failed(slack_code(error), error.message)
    except Exception:  # a bug: Slack's answer, the traceback in our log only (its text may hold user data)
        log.exception('Web API method %s failed', method_name)
        return failed('internal_error')
    return ok(result)


def _call_method(spec: Method, call: CallInput, base_url: str) -> Result:
    if spec.app_token:
        return _call_with_app_token(spec, call, base_url)
    identity = None
    if spec.needs_token:
        if call.token is None:
            raise SlackError('not_authed')
        identity = token_identity(call.token)
        if identity is None:
            if token_of_inactive_account(call.token):
                raise SlackError('account_inactive')  # as Slack: the person was deactivated
            # As Slack: a valid app-level token is the wrong kind here, anything else is no token at all.
            raise SlackError('not_allowed_token_type' if app_for_app_token(call.token) else 'invalid_auth')
        kind = tier_kind(spec.name)
        if kind is not None:
            limiter.take(kind, identity.user_id)  # reads cost no write: their tier bounds how fast a bot scrapes
    args = spec.args.model_validate(call.args)
    return spec.handler(Caller(identity, base_url), args)


def _call_with_app_token(spec: Method, call: CallInput, base_url: str) -> Result:
    """Methods like apps.connections.open take an app-level token; a user or bot token is the wrong kind."""
    if call.token is None:
        raise SlackError('not_authed')
    app = app_for_app_token(call.token)
    if app is None:
        if token_of_inactive_account(call.token):
            raise SlackError('account_inactive')
        raise SlackError('not_allowed_token_type' if token_identity(call.token) else 'invalid_auth')
    args = spec.args.model_validate(call.args)
    return spec.handler(Caller(None, base_url, app=app), args)


def _problem(error: object) -> str:
    """Slack's style: `[ERROR] <what> [json-pointer:/field]`."""
    details = error if isinstance(error, dict) else {}
    where = '/'.join(str(part) for part in details.get('loc', ()))
    return f'[ERROR] {details.get("msg", "invalid value")} [json-pointer:/{where}]'
