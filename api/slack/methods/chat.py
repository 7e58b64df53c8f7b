"""chat.postMessage, chat.update, chat.delete, chat.getPermalink: the message actions the UI uses."""

from __future__ import annotations

from api.slack.errors import SlackError
from api.slack.ids import channel_sid, ts_of
from api.slack.lookup import conversation, message_in
from api.slack.mrkdwn import to_markup
from api.slack.permalinks import slack_permalink
from api.slack.registry import Args, Caller, Result, method
from api.slack.shapes import message_json
from db.api_message_facts import message_facts
from db.api_queries import workspace_person
from state.access import readable_channel
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
        _ours(me, args.text),
        client_msg_id=None,
        thread_root_id=root_id,
        also_in_channel=args.reply_broadcast and root_id is not None,
    )
    return {
        'channel': channel_sid(channel_id, access.channel.kind),
        'ts': ts_of(view.ts_us),
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
    view = edit_message(me.user_id, target.id, _ours(me, args.text))
    shown = message_json(view, me.workspace_id, _own(me))
    return {
        'channel': channel_sid(view.channel_id, access.channel.kind),
        'ts': ts_of(view.ts_us),
        'text': shown['text'],
        'message': shown,
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
    return {'channel': channel_sid(target.channel_id, access.channel.kind), 'ts': ts_of(target.ts_us)}


class PermalinkArgs(Args):
    channel: str
    message_ts: str


@method('chat.getPermalink', PermalinkArgs)
def permalink(caller: Caller, args: PermalinkArgs) -> Result:
    me = caller.me
    access = conversation(me, args.channel)
    target = message_in(access, args.message_ts)
    sid = channel_sid(target.channel_id, access.channel.kind)
    root = message_facts([target]).roots.get(target.thread_root_id) if target.thread_root_id is not None else None
    return {'channel': sid, 'permalink': slack_permalink(caller.base_url, sid, target.ts_us, root[0] if root else None)}


def _ours(me: TokenIdentity, text: str) -> str:
    """Slack's markup as our source text: `<@U…>` becomes the person's `@Name`, which the renderer stores as a
    mention (notifying them, counting as one) exactly as when a person types it."""

    def name_of(user_id: int) -> str | None:  # only people of the token's workspace are named
        found = workspace_person(me.workspace_id, user_id, viewer_id=me.user_id)
        return found[0].display_name if found is not None else None

    def channel_name_of(channel_id: int) -> str | None:  # only channels the caller may read are named
        access = readable_channel(me.user_id, me.workspace_id, channel_id)
        return access.channel.name if access is not None else None

    return to_markup(text, name_of, channel_name_of)


def _own(me: TokenIdentity) -> frozenset[int]:
    """The caller among bots, for its own post's `bot_id`."""
    return frozenset({me.user_id}) if me.is_bot else frozenset()
