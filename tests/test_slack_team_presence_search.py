"""team.info, bots.info, users.getPresence / setPresence and search.messages, within the token's workspace."""

from __future__ import annotations

from api.slack.ids import bot_sid, team_sid, user_sid
from db.models import User
from state.actions.messages import send_message
from state.stores import presence
from tests.factories import update_row
from tests.slack_support import ApiWorld, SlackCaller, channel_int


async def test_team_info_and_bots_info(api_world: ApiWorld, slack: SlackCaller) -> None:
    team = (await slack.ok('team.info', api_world.bob_token))['team']
    assert team['id'] == team_sid(api_world.workspace) and team['name'] == 'Acme'
    me = await slack.ok('auth.test', api_world.bot_token)
    bot = (await slack.ok('bots.info', api_world.bob_token, bot=me['bot_id']))['bot']
    assert bot['name'] == 'Deploy Bot' and bot['user_id'] == me['user_id'] and bot['deleted'] is False
    assert (await slack.ok('bots.info', api_world.bot_token))['bot']['id'] == me['bot_id']  # itself, unnamed
    assert await slack.error('bots.info', api_world.bob_token, bot=bot_sid(api_world.ada)) == 'bot_not_found'
    assert await slack.error('bots.info', api_world.eve_token, bot=me['bot_id']) == 'bot_not_found'  # elsewhere


async def test_presence_read_and_set(api_world: ApiWorld, slack: SlackCaller) -> None:
    assert (await slack.ok('users.getPresence', api_world.bob_token, user=user_sid(api_world.ada)))['presence'] == (
        'away'  # no tab open: offline, which Slack calls away
    )
    await slack.ok('users.setPresence', api_world.bob_token, presence='away')
    own = await slack.ok('users.getPresence', api_world.bob_token)
    assert own['presence'] == 'away' and 'online' in own
    assert presence.status_of(api_world.bob) in ('away', 'offline')
    await slack.ok('users.setPresence', api_world.bob_token, presence='auto')
    assert await slack.error('users.setPresence', api_world.bob_token, presence='busy') == 'invalid_presence'
    assert await slack.error('users.getPresence', api_world.eve_token, user=user_sid(api_world.ada)) == (
        'user_not_found'
    )


async def test_search_finds_only_what_the_token_may_read(api_world: ApiWorld, slack: SlackCaller) -> None:
    send_message(api_world.ada, channel_int(api_world.general), 'quarterly numbers are in', None)
    send_message(api_world.ada, channel_int(api_world.secret), 'quarterly secret plan', None)
    carl = await slack.ok('search.messages', api_world.carl_token, query='quarterly')
    assert [m['text'] for m in carl['messages']['matches']] == ['quarterly numbers are in']
    bob = await slack.ok('search.messages', api_world.bob_token, query='quarterly')
    assert {m['text'] for m in bob['messages']['matches']} == {'quarterly numbers are in', 'quarterly secret plan'}
    match = bob['messages']['matches'][0]
    assert match['user'] == user_sid(api_world.ada) and match['permalink'].endswith(f'/p{match["ts"].replace(".", "")}')
    assert (await slack.ok('search.messages', api_world.eve_token, query='quarterly'))['messages']['matches'] == []
    update_row(User, api_world.carl, is_active=False)
    assert await slack.error('search.messages', api_world.carl_token, query='quarterly') == 'account_inactive'


async def test_bot_posts_carry_bot_id_and_profile_people_posts_do_not(api_world: ApiWorld, slack: SlackCaller) -> None:
    me = await slack.ok('auth.test', api_world.bot_token)
    posted = await slack.ok('chat.postMessage', api_world.bot_token, channel=api_world.general, text='beep')
    assert posted['message']['bot_id'] == me['bot_id'] and posted['message']['bot_profile']['name'] == 'Deploy Bot'
    await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text='hello bot')
    history = (await slack.ok('conversations.history', api_world.bob_token, channel=api_world.general))['messages']
    assert [(m['text'], m.get('bot_id')) for m in history] == [('hello bot', None), ('beep', me['bot_id'])]
