"""conversations.leave / invite / setTopic / archive / unarchive / mark: Slack's answers, the UI's actions."""

from __future__ import annotations

from api.slack.ids import ts_of, user_sid
from db.channel_queries import channel_member_ids, last_read_id
from state.actions.messages import send_message
from tests.slack_support import ApiWorld, SlackCaller, channel_int


async def test_leave_and_invite(api_world: ApiWorld, slack: SlackCaller) -> None:
    assert await slack.error('conversations.leave', api_world.bob_token, channel=api_world.general) == (
        'cant_leave_general'
    )
    secret = api_world.secret
    invited = await slack.ok(
        'conversations.invite', api_world.bob_token, channel=secret, users=user_sid(api_world.carl)
    )
    assert invited['channel']['id'] == secret
    assert api_world.carl in channel_member_ids(channel_int(secret))
    again = await slack.error(
        'conversations.invite', api_world.bob_token, channel=secret, users=user_sid(api_world.carl)
    )
    assert again == 'already_in_channel'
    assert await slack.error(
        'conversations.invite', api_world.bob_token, channel=secret, users=user_sid(api_world.bob)
    ) == ('cant_invite_self')
    assert await slack.error('conversations.invite', api_world.bob_token, channel=secret, users='nobody') == (
        'user_not_found'
    )
    await slack.ok('conversations.leave', api_world.carl_token, channel=secret)
    assert api_world.carl not in channel_member_ids(channel_int(secret))
    gone = await slack.error('conversations.leave', api_world.carl_token, channel=secret)
    assert gone == 'channel_not_found'  # private: once out, it is not there for him
    side = await slack.ok('conversations.leave', api_world.carl_token, channel=api_world.side)
    assert side.get('not_in_channel') is True


async def test_topic_archive_unarchive(api_world: ApiWorld, slack: SlackCaller) -> None:
    topic = await slack.ok('conversations.setTopic', api_world.bob_token, channel=api_world.general, topic='Ship it')
    assert topic['channel']['topic']['value'] == 'Ship it'
    assert await slack.error('conversations.archive', api_world.ada_token, channel=api_world.general) == (
        'cant_archive_general'
    )
    assert await slack.error('conversations.archive', api_world.bob_token, channel=api_world.secret) == (
        'restricted_action'
    )
    await slack.ok('conversations.archive', api_world.ada_token, channel=api_world.side)
    assert await slack.error('conversations.archive', api_world.ada_token, channel=api_world.side) == 'already_archived'
    await slack.ok('conversations.unarchive', api_world.ada_token, channel=api_world.side)
    assert await slack.error('conversations.unarchive', api_world.ada_token, channel=api_world.side) == 'not_archived'


async def test_mark_moves_the_read_position(api_world: ApiWorld, slack: SlackCaller) -> None:
    general = channel_int(api_world.general)
    sent = send_message(api_world.ada, general, 'read me', None)
    await slack.ok('conversations.mark', api_world.bob_token, channel=api_world.general, ts=ts_of(sent.ts_us))
    assert last_read_id(general, api_world.bob) == sent.id
    assert await slack.error('conversations.mark', api_world.bob_token, channel=api_world.general, ts='1.2') == (
        'invalid_timestamp'
    )
