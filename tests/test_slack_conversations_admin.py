"""conversations.kick, setPurpose, rename and close: Slack's answers, the actions' rules."""

from __future__ import annotations

from api.slack.ids import user_sid
from db.channel_queries import channel_member_ids
from state.actions import channels
from state.events import MemberLeft
from tests.factories import RecordingBackend, World
from tests.slack_support import ApiWorld, SlackCaller, channel_int


async def test_kick(api_world: ApiWorld, slack: SlackCaller) -> None:
    bob = user_sid(api_world.bob)
    assert await slack.error('conversations.kick', api_world.carl_token, channel=api_world.general, user=bob) == (
        'restricted_action'
    )
    assert await slack.error('conversations.kick', api_world.ada_token, channel=api_world.general, user=bob) == (
        'cant_kick_from_general'
    )
    me = user_sid(api_world.ada)
    assert await slack.error('conversations.kick', api_world.ada_token, channel=api_world.secret, user=me) == (
        'cant_kick_self'
    )
    carl = user_sid(api_world.carl)
    assert await slack.error('conversations.kick', api_world.ada_token, channel=api_world.secret, user=carl) == (
        'not_in_channel'
    )
    assert await slack.error('conversations.kick', api_world.ada_token, channel=api_world.secret, user='x') == (
        'user_not_found'
    )
    await slack.ok('conversations.kick', api_world.ada_token, channel=api_world.secret, user=bob)
    assert api_world.bob not in channel_member_ids(channel_int(api_world.secret))
    opened = await slack.ok('conversations.open', api_world.ada_token, users=bob)
    dm = opened['channel']['id']
    assert await slack.error('conversations.kick', api_world.ada_token, channel=dm, user=bob) == (
        'method_not_supported_for_channel_type'
    )


def test_a_removed_person_hears_of_it_on_their_own_topic(world: World, published: RecordingBackend) -> None:
    channels.remove_from_channel(world.ada, world.private, world.bob)
    topics = [topic for topic, _ in published.of_type(MemberLeft)]
    assert topics == [f'channel:{world.private}', f'user:{world.bob}']


async def test_set_purpose(api_world: ApiWorld, slack: SlackCaller) -> None:
    body = await slack.ok('conversations.setPurpose', api_world.bob_token, channel=api_world.secret, purpose='Plans')
    assert body['purpose'] == 'Plans' and body['channel']['purpose']['value'] == 'Plans'
    info = await slack.ok('conversations.info', api_world.ada_token, channel=api_world.secret)
    assert info['channel']['purpose']['value'] == 'Plans'
    assert await slack.error('conversations.setPurpose', api_world.carl_token, channel=api_world.side, purpose='x') == (
        'not_in_channel'
    )
    too_long = await slack.error(
        'conversations.setPurpose', api_world.bob_token, channel=api_world.secret, purpose='x' * 300
    )
    assert too_long == 'invalid_arguments'
    assert await slack.error('conversations.setPurpose', api_world.ada_token, channel=api_world.old, purpose='x') == (
        'is_archived'
    )


async def test_rename(api_world: ApiWorld, slack: SlackCaller) -> None:
    renamed = await slack.ok('conversations.rename', api_world.ada_token, channel=api_world.side, name='Side-Two')
    assert renamed['channel']['name'] == 'side-two'
    assert await slack.error('conversations.rename', api_world.carl_token, channel=api_world.side, name='x') == (
        'restricted_action'
    )
    assert await slack.error('conversations.rename', api_world.ada_token, channel=api_world.side, name='secret') == (
        'name_taken'
    )
    assert await slack.error('conversations.rename', api_world.ada_token, channel=api_world.side, name='a b') == (
        'invalid_name'
    )
    assert await slack.error('conversations.rename', api_world.ada_token, channel=api_world.general, name='all') == (
        'not_authorized'
    )
    assert await slack.error('conversations.rename', api_world.ada_token, channel=api_world.side, name='general') == (
        'not_authorized'
    )


async def test_close(api_world: ApiWorld, slack: SlackCaller) -> None:
    dm = (await slack.ok('conversations.open', api_world.ada_token, users=user_sid(api_world.bob)))['channel']['id']
    closed = await slack.ok('conversations.close', api_world.ada_token, channel=dm)
    assert closed['no_op'] is True and closed['already_closed'] is True
    assert await slack.error('conversations.close', api_world.ada_token, channel=api_world.general) == (
        'method_not_supported_for_channel_type'
    )
    assert await slack.error('conversations.close', api_world.carl_token, channel=dm) == 'channel_not_found'
