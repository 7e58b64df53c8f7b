"""chat.meMessage: a `/me` message, stored as the composer's /me stores it (the text in italics)."""

from __future__ import annotations

from pydantic import Field

from api.slack.errors import SlackError
from api.slack.ids import channel_sid, ts_of
from api.slack.lookup import conversation
from api.slack.registry import Args, Caller, Result, method
from state.actions.messages import send_message


class MeArgs(Args):
    channel: str
    text: str = Field(default='', max_length=40_000)


@method('chat.meMessage', MeArgs)
def me_message(caller: Caller, args: MeArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    if not access.is_member:
        raise SlackError('not_in_channel')
    text = ' '.join(args.text.split())
    if not text:
        raise SlackError('no_text')
    # The same markup as the composer's `/me waves` (state/actions/slash_commands.py): emphasis around the text.
    view = send_message(me.user_id, access.channel.id or 0, f'_{text}_', None)
    return {'channel': channel_sid(view.channel_id, access.channel.kind), 'ts': ts_of(view.ts_us)}
