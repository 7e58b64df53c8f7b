"""emoji.list, dnd.info, chat.meMessage and reactions.list."""

from __future__ import annotations

from datetime import timedelta

from api.slack.ids import channel_id_of, ts_us_of, user_sid
from db.api_queries import message_id_at
from db.models import utcnow
from db.view_builders import message_view
from state.actions import reactions
from state.actions.channels import remove_from_channel
from state.actions.messages import send_message
from state.actions.profile import set_manual_presence
from tests.slack_support import ApiWorld, SlackCaller, channel_int


async def test_emoji_list_has_no_custom_emoji(slack: SlackCaller, api_world: ApiWorld) -> None:
    assert (await slack.ok('emoji.list', api_world.bob_token))['emoji'] == {}
    assert await slack.error('emoji.list', 'forged') == 'invalid_auth'


async def test_dnd_info_is_the_manual_busy(slack: SlackCaller, api_world: ApiWorld) -> None:
    quiet = await slack.ok('dnd.info', api_world.bob_token)
    assert quiet['snooze_enabled'] is False and quiet['dnd_enabled'] is False
    set_manual_presence(api_world.bob, 'busy', utcnow() + timedelta(hours=1))
    mine = await slack.ok('dnd.info', api_world.bob_token)
    assert mine['snooze_enabled'] is True and 3500 < mine['snooze_remaining'] <= 3600
    theirs = await slack.ok('dnd.info', api_world.carl_token, user=user_sid(api_world.bob))
    assert theirs['snooze_enabled'] is True and 'snooze_endtime' not in theirs
    assert await slack.error('dnd.info', api_world.eve_token, user=user_sid(api_world.bob)) == 'user_not_found'
    assert await slack.error('dnd.info', api_world.bob_token, user='nobody') == 'user_not_found'


async def test_me_message_is_stored_like_slash_me(slack: SlackCaller, api_world: ApiWorld) -> None:
    body = await slack.ok('chat.meMessage', api_world.bob_token, channel=api_world.general, text='waves')
    message_id = message_id_at(channel_id_of(body['channel']) or 0, ts_us_of(body['ts']) or 0)
    assert body['channel'] == api_world.general and message_id is not None
    view = message_view(message_id)
    assert view is not None and view.body == '_waves_' and '<em>waves</em>' in view.html
    assert await slack.error('chat.meMessage', api_world.bob_token, channel=api_world.general, text='  ') == 'no_text'
    assert await slack.error('chat.meMessage', api_world.carl_token, channel=api_world.side, text='x') == (
        'not_in_channel'
    )
    assert await slack.error('chat.meMessage', api_world.carl_token, channel=api_world.secret, text='x') == (
        'channel_not_found'
    )
    assert await slack.error('chat.meMessage', api_world.bob_token, channel=api_world.old, text='x') == 'is_archived'


async def test_reactions_list_pages_the_users_own_reactions(slack: SlackCaller, api_world: ApiWorld) -> None:
    general, secret = channel_int(api_world.general), channel_int(api_world.secret)
    first = send_message(api_world.ada, general, 'one', None)
    second = send_message(api_world.ada, secret, 'two', None)
    reactions.add_reaction(api_world.bob, first.id, 'tada')
    reactions.add_reaction(api_world.bob, second.id, 'eyes')
    reactions.add_reaction(api_world.bob, first.id, 'rocket')  # newest: "one" comes first
    reactions.add_reaction(api_world.carl, first.id, 'fire')
    listed = await slack.ok('reactions.list', api_world.bob_token)
    assert [item['message']['text'] for item in listed['items']] == ['one', 'two']
    assert listed['items'][0]['channel'] == api_world.general and listed['items'][0]['type'] == 'message'
    names = {r['name'] for r in listed['items'][0]['message']['reactions']}
    assert names == {'tada', 'rocket', 'fire'}
    page = await slack.ok('reactions.list', api_world.bob_token, limit=1)
    assert [item['message']['text'] for item in page['items']] == ['one']
    after = page['response_metadata']['next_cursor']
    rest = await slack.ok('reactions.list', api_world.bob_token, limit=1, cursor=after)
    assert [item['message']['text'] for item in rest['items']] == ['two']
    second_page = await slack.ok('reactions.list', api_world.bob_token, count=1, page=2)
    assert [item['message']['text'] for item in second_page['items']] == ['two']
    carls = await slack.ok('reactions.list', api_world.carl_token)
    assert [item['message']['text'] for item in carls['items']] == ['one']
    assert await slack.error('reactions.list', api_world.carl_token, user=user_sid(api_world.bob)) == (
        'restricted_action'
    )
    assert await slack.error('reactions.list', api_world.bob_token, cursor='bogus') == 'invalid_cursor'
    remove_from_channel(api_world.ada, secret, api_world.bob)  # what bob may no longer read drops out
    left = await slack.ok('reactions.list', api_world.bob_token)
    assert [item['message']['text'] for item in left['items']] == ['one']
