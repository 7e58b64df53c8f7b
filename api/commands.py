"""`POST /commands/respond/{secret}`: a slash command's `response_url`, and the Slack formats integrations use.

An app answers a command later by POSTing Slack's JSON here (`text` or `blocks`, `response_type`:
`in_channel` posts a message as the command's bot, anything else is ephemeral for the invoker;
`replace_original` / `delete_original` are accepted and ignored). A URL is valid 30 minutes and for 5 answers.
Answers are Slack's shape: `{"ok": true}`, or `{"ok": false, "error": …}` with 404 (`no_service`, `expired_url`,
`used_url`), 400 (`invalid_payload`), 429 with `Retry-After`, 503 when the database is busy.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app

from api.slack.errors import SlackError
from api.slack.ids import channel_sid, team_sid, user_sid
from api.slack.json_body import json_args
from api.slack.mrkdwn import attachments_text, blocks_text, to_markup
from api.slack.request_args import read_capped
from db.api_queries import workspace_person
from db.errors import DatabaseUnavailable
from state.actions.command_invocation import RESPONSE_ROUTE, apply_answer, claim_response_url
from state.blocking import off_loop
from state.errors import ActionError, RateLimited
from state.integrations.slack_format import SlackFormat, register_slack_format

log = logging.getLogger(__name__)


def register() -> None:
    use_slack_format()
    app.add_api_route(RESPONSE_ROUTE, respond, methods=['POST'], include_in_schema=False)


def use_slack_format() -> None:
    """Hand state's integrations our Slack ids and Slack markup -> ours (they may not import api/)."""
    register_slack_format(
        SlackFormat(
            channel_sid=channel_sid,
            user_sid=user_sid,
            team_sid=team_sid,
            app_sid=lambda number: 'A' + team_sid(number)[1:],  # same digits as every id of ours; letter A
            answer_text=answer_text,
        )
    )


def answer_text(workspace_id: int, answer: dict[str, Any]) -> str:
    """An app's answer in our markup: its blocks (or else its text), then any legacy attachments."""
    text = answer.get('text') if isinstance(answer.get('text'), str) else ''
    parts = (blocks_text(answer.get('blocks')) or text, attachments_text(answer.get('attachments')))
    source = '\n'.join(part for part in parts if part)

    def name_of(user_id: int) -> str | None:  # only people of the command's workspace are named
        found = workspace_person(workspace_id, user_id)
        return found[0].display_name if found is not None else None

    return to_markup(source, name_of)


def _error(code: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({'ok': False, 'error': code}, status_code=status, headers=headers)


async def respond(request: Request, secret: str) -> JSONResponse:
    try:
        answer = json_args(await read_capped(request))
        await off_loop(_answer, secret, answer)
    except SlackError:
        return _error('invalid_payload', 400)
    except RateLimited as error:
        return _error('rate_limited', 429, {'Retry-After': str(max(1, math.ceil(error.retry_after)))})
    except DatabaseUnavailable:
        return _error('service_unavailable', 503, {'Retry-After': '1'})
    except ActionError as error:
        if error.code in ('no_service', 'expired_url', 'used_url'):
            return _error(error.code, 404)
        return _error(error.code if error.code in ('no_text', 'msg_too_long') else 'invalid_payload', 400)
    except Exception:  # a bug: Slack's shape for the app, the traceback in our log only
        log.exception('response_url answer failed')
        return _error('internal_error', 500)
    return JSONResponse({'ok': True})


def _answer(secret: str, answer: dict[str, Any]) -> None:
    apply_answer(claim_response_url(secret), answer)
