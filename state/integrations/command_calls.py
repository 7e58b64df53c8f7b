"""The HTTP side of a custom slash command: POST the signed payload, show the immediate answer.

The database work runs off the event loop (`off_loop`) and the request is an async httpx call made after that
transaction committed, so neither a slow app nor a slow database holds up anyone else. Slack waits 3 seconds;
so do we. The answer: an empty 200 shows nothing (the app answers later through `response_url`), JSON or plain
text is shown (ephemeral unless `"response_type": "in_channel"`), and a timeout, another status or bad JSON
becomes an ephemeral "/deploy failed: …" for the invoker, as Slack shows "failed with the error …".
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from state.actions.command_invocation import Invocation, apply_answer, prepare_invocation, show_failure
from state.blocking import off_loop

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 3.0
MAX_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Reply:
    answer: dict[str, Any] | None = None  # None: nothing to show now
    error: str = ''  # why the call failed, for "/deploy failed: …"


async def run_custom_command(actor_id: int, channel_id: int, text: str, thread_root_id: int | None = None) -> bool:
    """Run `/name args` if the workspace has such a command (False when it has not); ActionError when refused."""
    invocation = await off_loop(prepare_invocation, actor_id, channel_id, text, thread_root_id)
    if invocation is None:
        return False
    reply = await call_command(invocation)
    target = invocation.target
    if reply.error:
        await off_loop(show_failure, target, f'{target.command} failed: {reply.error}')
    elif reply.answer is not None:
        await off_loop(apply_answer, target, reply.answer)
    return True


async def call_command(invocation: Invocation) -> Reply:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
            response = await client.post(invocation.url, content=invocation.body, headers=invocation.headers)
    except httpx.TimeoutException:
        return Reply(error=f'the app did not answer within {TIMEOUT_SECONDS:g} seconds.')
    except httpx.HTTPError as error:
        log.info('slash command %s: %s', invocation.target.command, error)
        return Reply(error='the app could not be reached.')
    return read_reply(response.status_code, response.headers.get('content-type', ''), response.content)


def read_reply(status: int, content_type: str, body: bytes) -> Reply:
    """What an app's immediate HTTP answer means (pure, so every case is easy to test)."""
    if status != 200:
        return Reply(error=f'the app answered HTTP {status}.')
    if len(body) > MAX_ANSWER_BYTES:
        return Reply(error='the answer was too long.')
    if not body.strip():
        return Reply()
    try:
        text = body.decode('utf-8')
    except UnicodeDecodeError:
        return Reply(error='the answer was not UTF-8 text.')
    if content_type.split(';')[0].strip().lower() != 'application/json':
        return Reply(answer={'text': text})  # plain text: shown to the invoker, as Slack does
    try:
        answer = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return Reply(error='the answer was not valid JSON.')
    if not isinstance(answer, dict):
        return Reply(error='the answer was not a JSON object.')
    return Reply(answer=answer)
