"""pins.* and stars.*: Slack's shapes and errors, through the same actions as the UI."""

from __future__ import annotations

from tests.slack_support import ApiWorld, SlackCaller


async def _post(slack: SlackCaller, token: str, channel: str, text: str) -> str:
    return str((await slack.ok('chat.postMessage', token, channel=channel, text=text))['ts'])


async def test_pins_add_list_remove(slack: SlackCaller, api_world: ApiWorld) -> None:
    ts = await _post(slack, api_world.ada_token, api_world.secret, 'the plan')
    await slack.ok('pins.add', api_world.bob_token, channel=api_world.secret, timestamp=ts)
    assert await slack.error('pins.add', api_world.bob_token, channel=api_world.secret, timestamp=ts) == (
        'already_pinned'
    )
    items = (await slack.ok('pins.list', api_world.ada_token, channel=api_world.secret))['items']
    assert len(items) == 1 and items[0]['type'] == 'message' and items[0]['channel'] == api_world.secret
    assert items[0]['message']['ts'] == ts and items[0]['message']['text'] == 'the plan'
    assert items[0]['created_by'].startswith('U') and isinstance(items[0]['created'], int)
    await slack.ok('pins.remove', api_world.ada_token, channel=api_world.secret, timestamp=ts)
    assert (await slack.ok('pins.list', api_world.ada_token, channel=api_world.secret))['items'] == []
    assert await slack.error('pins.remove', api_world.ada_token, channel=api_world.secret, timestamp=ts) == 'no_pin'


async def test_pins_who_may(slack: SlackCaller, api_world: ApiWorld) -> None:
    ts = await _post(slack, api_world.ada_token, api_world.secret, 'secret')
    carl = api_world.carl_token
    assert await slack.error('pins.add', carl, channel=api_world.secret, timestamp=ts) == 'channel_not_found'
    assert await slack.error('pins.list', carl, channel=api_world.secret) == 'channel_not_found'
    assert await slack.error('pins.list', api_world.eve_token, channel=api_world.secret) == 'channel_not_found'
    side_ts = await _post(slack, api_world.ada_token, api_world.side, 'side')
    assert await slack.error('pins.add', carl, channel=api_world.side, timestamp=side_ts) == 'not_in_channel'
    missing = await slack.error('pins.add', api_world.ada_token, channel=api_world.side, timestamp='1.000001')
    assert missing == 'message_not_found'
    assert await slack.error('pins.add', api_world.ada_token, channel=api_world.side) == 'invalid_arguments'


async def test_stars_add_list_remove(slack: SlackCaller, api_world: ApiWorld) -> None:
    ts = await _post(slack, api_world.ada_token, api_world.side, 'later')
    carl = api_world.carl_token
    await slack.ok('stars.add', carl, channel=api_world.side, timestamp=ts)  # readable though not joined
    assert await slack.error('stars.add', carl, channel=api_world.side, timestamp=ts) == 'already_starred'
    listed = await slack.ok('stars.list', carl)
    assert [item['message']['ts'] for item in listed['items']] == [ts]
    assert listed['items'][0]['channel'] == api_world.side and listed['paging']['total'] == 1
    assert (await slack.ok('stars.list', api_world.ada_token))['items'] == []
    await slack.ok('stars.remove', carl, channel=api_world.side, timestamp=ts)
    assert await slack.error('stars.remove', carl, channel=api_world.side, timestamp=ts) == 'not_starred'
    assert await slack.error('stars.add', carl, file='F123') == 'bad_item'
    secret_ts = await _post(slack, api_world.ada_token, api_world.secret, 'no')
    assert await slack.error('stars.add', carl, channel=api_world.secret, timestamp=secret_ts) == 'channel_not_found'
