"""pins.add, pins.remove, pins.list: messages pinned to a channel, through the same actions as the header."""

from __future__ import annotations

from api.slack.ids import channel_sid, user_sid
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import message_json
from db.api_queries import bot_user_ids
from db.pin_queries import pinned_messages
from state.actions.pins import pin_message, unpin_message


class PinArgs(Args):
    channel: str
    timestamp: str


@method('pins.add', PinArgs)
def add(caller: Caller, args: PinArgs) -> Result:
    me = caller.me
    target = message_in(conversation(me, args.channel), args.timestamp)
    pin_message(me.user_id, target.id)
    return {}


@method('pins.remove', PinArgs)
def remove(caller: Caller, args: PinArgs) -> Result:
    me = caller.me
    target = message_in(conversation(me, args.channel), args.timestamp)
    unpin_message(me.user_id, target.id)
    return {}


class ListArgs(Args):
    channel: str


@method('pins.list', ListArgs)
def list_pins(caller: Caller, args: ListArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)  # whoever may read the channel may see what is pinned in it
    pins = pinned_messages(access.channel.id or 0)
    sid = channel_sid(access.channel.id or 0, access.channel.kind)
    bots = bot_user_ids([pin.message.author_id for pin in pins])
    return {
        'items': [
            {
                'type': 'message',
                'channel': sid,
                'created': int(pin.pinned_at.timestamp()),
                'created_by': user_sid(pin.pinned_by) if pin.pinned_by is not None else '',
                'message': message_json(pin.message, me.workspace_id, bots),
            }
            for pin in pins
        ]
    }
