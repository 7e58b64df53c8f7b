"""chat.postEphemeral: a message only one member of the conversation sees, live, never stored (as Slack's)."""

from __future__ import annotations

import json
import time
from typing import Any

from api.commands import answer_text
from api.slack.errors import SlackError
from api.slack.ids import ts_of, user_id_of
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from state.actions.ephemeral import post_ephemeral


class EphemeralArgs(Args):
    channel: str
    user: str
    text: str = ''
    blocks: Any = None  # Block Kit, shown as text (api/slack/mrkdwn.py)
    attachments: Any = None
    thread_ts: str | None = None


@method('chat.postEphemeral', EphemeralArgs)
def post(caller: Caller, args: EphemeralArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    channel_id = access.channel.id or 0
    reader = user_id_of(args.user)
    if reader is None:
        raise SlackError('user_not_found')
    root_id = None
    if args.thread_ts:
        parent = message_in(access, args.thread_ts, missing='thread_not_found')
        root_id = parent.thread_root_id or parent.id
    answer = {'text': args.text, 'blocks': _decoded(args.blocks), 'attachments': _decoded(args.attachments)}
    text = answer_text(me.workspace_id, answer)
    post_ephemeral(me.user_id, channel_id, reader, text, root_id)
    # Slack's message_ts for an ephemeral message is the time it was shown, not a stored message
    # (the message it shows below), which no other method will find: it was never stored.
    return {'message_ts': ts_of(time.time_ns() // 1000)}


def _decoded(value: Any) -> Any:
    """A form sends blocks and attachments as a JSON string; a JSON body sends them as they are."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise SlackError('invalid_blocks') from None
