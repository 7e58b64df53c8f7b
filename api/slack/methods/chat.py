"""chat.postMessage, chat.update, chat.delete, chat.getPermalink: the message actions the UI uses."""

from __future__ import annotations

from api.slack.errors import SlackError
from api.slack.ids import channel_sid, message_ts
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import message_json, permalink_url
from state.actions.messages import delete_message, edit_message, send_message
from state.actions.tokens import TokenIdentity


class PostArgs(Args):
    channel: str
    text: str = ''  # blocks and attachments are not supported: the text is the message
    thread_ts: str | None = None
    reply_broadcast: bool = False


@method('chat.postMessage', PostArgs)
def post_message(caller: Caller, args: PostArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    channel_id = access.channel.id or 0
    root_id = None
    if args.thread_ts:
        parent = message_in(access, args.thread_ts, missing='thread_not_found')
        root_id = parent.thread_root_id or parent.id  # a reply's ts threads into its parent, as in Slack
    view = send_message(
        me.user_id,
        channel_id,
        args.text,
        client_msg_id=None,
        thread_root_id=root_id,
        also_in_channel=args.reply_broadcast and root_id is not None,
    )
    return {
        'channel': channel_sid(channel_id, access.channel.kind),
        'ts': message_ts(view.id),
        'message': message_json(view, me.workspace_id, _own(me)),
    }


class UpdateArgs(Args):
    channel: str
    ts: str
    text: str = ''


@method('chat.update', UpdateArgs)
def update_message(caller: Caller, args: UpdateArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    target = message_in(access, args.ts)
    view = edit_message(me.user_id, target.id, args.text)
    return {
        'channel': channel_sid(view.channel_id, access.channel.kind),
        'ts': message_ts(view.id),
        'text': view.body,
        'message': message_json(view, me.workspace_id, _own(me)),
    }


class DeleteArgs(Args):
    channel: str
    ts: str


@method('chat.delete', DeleteArgs)
def remove_message(caller: Caller, args: DeleteArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    target = message_in(access, args.ts)
    if target.deleted:  # a thread root's placeholder is already deleted
        raise SlackError('message_not_found')
    delete_message(me.user_id, target.id)
    return {'channel': channel_sid(target.channel_id, access.channel.kind), 'ts': message_ts(target.id)}


class PermalinkArgs(Args):
    channel: str
    message_ts: str


@method('chat.getPermalink', PermalinkArgs)
def permalink(caller: Caller, args: PermalinkArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    target = message_in(access, args.message_ts)
    return {
        'channel': channel_sid(target.channel_id, access.channel.kind),
        'permalink': permalink_url(caller.base_url, me.workspace_slug, target.channel_id, target.id),
    }


def _own(me: TokenIdentity) -> frozenset[int]:
    """The caller among bots, for its own post's `bot_id`."""
    return frozenset({me.user_id}) if me.is_bot else frozenset()
