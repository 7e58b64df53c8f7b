"""reactions.add, reactions.remove, reactions.get (names without colons, aliases such as `+1` accepted)."""

from __future__ import annotations

from api.slack.errors import SlackError
from api.slack.ids import channel_sid
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import message_json
from state.actions.reactions import set_reaction


class ReactionArgs(Args):
    channel: str
    timestamp: str
    name: str


def _react(caller: Caller, args: ReactionArgs, *, add: bool) -> Result:
    me = caller.me
    target = message_in(conversation(me, args.channel), args.timestamp)
    _view, changed = set_reaction(me.user_id, target.id, args.name, add=add)
    if not changed:
        raise SlackError('already_reacted' if add else 'no_reaction')
    return {}


@method('reactions.add', ReactionArgs)
def add(caller: Caller, args: ReactionArgs) -> Result:
    return _react(caller, args, add=True)


@method('reactions.remove', ReactionArgs)
def remove(caller: Caller, args: ReactionArgs) -> Result:
    return _react(caller, args, add=False)


class GetArgs(Args):
    channel: str
    timestamp: str


@method('reactions.get', GetArgs)
def get(caller: Caller, args: GetArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    target = message_in(access, args.timestamp)
    return {
        'type': 'message',
        'channel': channel_sid(target.channel_id, access.channel.kind),
        'message': message_json(target, me.workspace_id),
    }
