"""`POST /hooks/{secret}`: Slack's incoming webhooks, answered as Slack answers them.

The body is Slack's JSON (`text`, `blocks`, legacy `attachments`, `thread_ts`; `username`, `icon_emoji`,
`unfurl_*`, `mrkdwn` are accepted and ignored: a webhook always posts as its own bot), sent as
`application/json` or as a form field `payload=`. Success is the plain text `ok`; failures are a plain-text
code with Slack's status: 400 `invalid_payload` / `no_text`, 404 `no_service` / `channel_not_found`,
410 `channel_is_archived`, 429 with `Retry-After`, 503 when the database is busy.
"""

from __future__ import annotations

import logging
import math
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import PlainTextResponse
from nicegui import app

from api.slack.errors import SlackError
from api.slack.ids import ts_us_of
from api.slack.json_body import json_args
from api.slack.mrkdwn import attachments_text, blocks_text, to_markup
from api.slack.request_args import read_capped
from db.api_queries import message_id_at, workspace_person
from db.errors import DatabaseUnavailable
from state.actions.webhooks import WEBHOOK_ROUTE, post_to_webhook, webhook_target
from state.blocking import off_loop
from state.errors import ActionError, NotFound, RateLimited

log = logging.getLogger(__name__)

# What Slack answers, by our action's error code (anything else a refused post gives is `invalid_payload`).
_STATUS_OF_CODE = {
    'no_service': (404, 'no_service'),
    'channel_not_found': (404, 'channel_not_found'),
    'thread_not_found': (404, 'channel_not_found'),
    'is_archived': (410, 'channel_is_archived'),
    'no_text': (400, 'no_text'),
}


def register() -> None:
    app.add_api_route(WEBHOOK_ROUTE, incoming_webhook, methods=['POST'], include_in_schema=False)


async def incoming_webhook(request: Request, secret: str) -> PlainTextResponse:
    try:
        payload = _payload(request.headers.get('content-type', ''), await read_capped(request))
        await off_loop(_post, secret, payload)
    except SlackError as error:
        return PlainTextResponse(error.code if error.code == 'no_text' else 'invalid_payload', status_code=400)
    except RateLimited as error:
        wait = str(max(1, math.ceil(error.retry_after)))
        return PlainTextResponse('rate_limited', status_code=429, headers={'Retry-After': wait})
    except DatabaseUnavailable:
        return PlainTextResponse('service_unavailable', status_code=503, headers={'Retry-After': '1'})
    except ActionError as error:
        status, code = _STATUS_OF_CODE.get(error.code, (400, 'invalid_payload'))
        return PlainTextResponse(code, status_code=status)
    except Exception:  # a bug: Slack's shape for the sender, the traceback in our log only
        log.exception('incoming webhook failed')
        return PlainTextResponse('internal_error', status_code=500)
    return PlainTextResponse('ok')


def _payload(content_type: str, body: bytes) -> dict[str, Any]:
    """The JSON object, sent as the body or (an older Slack style) as the form field `payload`."""
    if content_type.split(';')[0].strip().lower() == 'application/x-www-form-urlencoded':
        try:
            fields = parse_qs(body.decode('utf-8'), strict_parsing=False)
        except (UnicodeDecodeError, ValueError) as error:
            raise SlackError('invalid_payload') from error
        body = (fields.get('payload') or [''])[0].encode()
    try:
        return json_args(body)
    except SlackError as error:
        raise SlackError('invalid_payload') from error


def _post(secret: str, payload: dict[str, Any]) -> None:
    target = webhook_target(secret)
    thread_ts = payload.get('thread_ts')
    ts_us = ts_us_of(thread_ts) if thread_ts not in (None, '') else None
    thread_root_id = message_id_at(target.channel_id, ts_us) if ts_us is not None else None  # `ts` is per channel
    if thread_ts not in (None, '') and thread_root_id is None:
        raise NotFound('The thread does not exist.', code='thread_not_found')
    blocks = blocks_text(payload.get('blocks'))
    text = payload.get('text') if isinstance(payload.get('text'), str) else ''
    source = '\n'.join(part for part in (blocks or text, attachments_text(payload.get('attachments'))) if part)
    if not source.strip():
        raise SlackError('no_text')

    def name_of(user_id: int) -> str | None:  # only people of the webhook's workspace are named
        found = workspace_person(target.workspace_id, user_id)
        return found[0].display_name if found is not None else None

    post_to_webhook(target, to_markup(source, name_of), thread_root_id)
