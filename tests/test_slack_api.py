"""The Slack-compatible Web API over HTTP: auth, every method's happy path, errors, pagination, rate limits."""

from __future__ import annotations

import json

import pytest

from api.slack.ids import channel_id_of, user_sid
from db.models import Message, Reaction
from state.bus import bus, channel_topic
from state.events import Event
from state.rate_limit import limiter
from tests.factories import count_rows
from tests.slack_support import ApiWorld, SlackCaller, forged_ts

# ---- auth ----------------------------------------------------------------------------------------------


async def test_auth_test_names_the_token_owner_and_workspace(api_world: ApiWorld, slack: SlackCaller) -> None:
    me = await slack.ok('auth.test', api_world.bob_token)
    assert me['user_id'] == user_sid(api_world.bob)
    assert me['user'] == 'Bob' and me['team'] == 'Acme'
    assert me['team_id'].startswith('T') and me['url'].startswith('http://test/w/')
    assert 'bot_id' not in me
    bot = await slack.ok('auth.test', api_world.bot_token)
    assert bot['bot_id'].startswith('B') and bot['user'] == 'Deploy Bot'


async def test_missing_unknown_and_revoked_tokens(api_world: ApiWorld, slack: SlackCaller) -> None:
    assert await slack.error('auth.test', None) == 'not_authed'
    assert await slack.error('auth.test', 'not-a-token') == 'invalid_auth'
    assert await slack.error('chat.postMessage', 'x' * 5000, channel=api_world.general, text='hi') == 'invalid_auth'
    response = await slack.client.post('/api/auth.test', data={'token': api_world.carl_token})  # form field
    assert response.json()['user_id'] == user_sid(api_world.carl)
    assert (await slack.ok('auth.revoke', api_world.carl_token))['revoked'] is True
    assert await slack.error('auth.test', api_world.carl_token) == 'invalid_auth'
    assert (
        await slack.error('chat.postMessage', api_world.carl_token, channel=api_world.general, text='x')
        == 'invalid_auth'
    )
    assert count_rows(Message) == 0


async def test_api_test_unknown_method_and_bad_arguments(api_world: ApiWorld, slack: SlackCaller) -> None:
    assert (await slack.ok('api.test', None, foo='bar'))['args'] == {'foo': 'bar'}
    assert await slack.error('api.test', None, error='my_error') == 'my_error'
    assert await slack.error('chat.fly', api_world.ada_token) == 'unknown_method'
    body = await slack('chat.postMessage', api_world.ada_token, text='no channel')
    assert body['error'] == 'invalid_arguments'
    assert 'channel' in body['response_metadata']['messages'][0]
    assert await slack.error('conversations.history', api_world.ada_token, channel=api_world.general, limit='lots') == (
        'invalid_arguments'
    )


# ---- chat ----------------------------------------------------------------------------------------------


async def test_post_message_is_stored_published_and_shaped_like_slack(api_world: ApiWorld, slack: SlackCaller) -> None:
    heard: list[Event] = []
    channel_id = channel_id_of(api_world.general)
    assert channel_id is not None
    bus.subscribe(channel_topic(channel_id), heard.append, detached=True)
    posted = await slack.ok(
        'chat.postMessage', api_world.bot_token, channel=api_world.general, text='Deploy *done* <b>'
    )
    assert posted['channel'] == api_world.general
    message = posted['message']
    assert message['type'] == 'message' and message['text'] == 'Deploy *done* &lt;b&gt;'  # Slack escapes
    assert message['ts'] == posted['ts'] and message['user'].startswith('U')
    assert [e.type for e in heard] == ['message.created']  # browsers showing #general get it live
    assert count_rows(Message, body='Deploy **done** <b>') == 1  # stored in our markup


async def test_post_accepts_json_bodies_and_query_strings(api_world: ApiWorld, slack: SlackCaller) -> None:
    headers = {'Authorization': f'Bearer {api_world.ada_token}', 'Content-Type': 'application/json; charset=utf-8'}
    response = await slack.client.post(
        '/api/chat.postMessage', content=json.dumps({'channel': api_world.side, 'text': 'from json'}), headers=headers
    )
    assert response.json()['ok'] is True
    response = await slack.client.get(
        '/api/conversations.history', params={'channel': api_world.side, 'token': api_world.ada_token}
    )
    assert [m['text'] for m in response.json()['messages']] == ['from json']
    response = await slack.client.post('/api/chat.postMessage', content='[1, 2]', headers=headers)
    assert response.json()['error'] == 'invalid_arguments'


async def test_threads_replies_and_broadcasts(api_world: ApiWorld, slack: SlackCaller) -> None:
    root = await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text='Release?')
    first = await slack.ok(
        'chat.postMessage', api_world.bob_token, channel=api_world.general, text='yes', thread_ts=root['ts']
    )
    assert first['message']['thread_ts'] == root['ts']
    # A reply's ts threads into its parent, as Slack does; a broadcast also shows in the channel.
    await slack.ok(
        'chat.postMessage', api_world.carl_token, channel=api_world.general, text='shipping', thread_ts=first['ts'],
        reply_broadcast=True,
    )  # fmt: skip
    thread = await slack.ok('conversations.replies', api_world.carl_token, channel=api_world.general, ts=first['ts'])
    assert [m['text'] for m in thread['messages']] == ['Release?', 'yes', 'shipping']
    assert thread['messages'][0]['reply_count'] == 2
    assert len(thread['messages'][0]['reply_users']) == 2
    history = await slack.ok('conversations.history', api_world.carl_token, channel=api_world.general)
    assert [m['text'] for m in history['messages']] == ['shipping', 'Release?']
    assert history['messages'][0]['subtype'] == 'thread_broadcast'
    paged = await slack.ok(
        'conversations.replies', api_world.ada_token, channel=api_world.general, ts=root['ts'], limit=1
    )
    assert [m['text'] for m in paged['messages']] == ['Release?', 'yes'] and paged['has_more'] is True
    rest = await slack.ok(
        'conversations.replies', api_world.ada_token, channel=api_world.general, ts=root['ts'], limit=1,
        cursor=paged['response_metadata']['next_cursor'],
    )  # fmt: skip
    assert [m['text'] for m in rest['messages']] == ['Release?', 'shipping'] and rest['has_more'] is False
    assert await slack.error(
        'conversations.replies', api_world.ada_token, channel=api_world.general, ts=forged_ts(999)
    ) == ('thread_not_found')
    assert await slack.error(
        'chat.postMessage', api_world.ada_token, channel=api_world.side, text='x', thread_ts=root['ts']
    ) == 'thread_not_found'  # fmt: skip


async def test_post_errors_use_slack_codes(api_world: ApiWorld, slack: SlackCaller) -> None:
    post = 'chat.postMessage'
    for forged in ('C00000000', 'CZZZZZZZZ', '#nowhere', 'C' + 'Z' * 13, api_world.elsewhere, 'U0000ZZZZ'):
        assert await slack.error(post, api_world.ada_token, channel=forged, text='hi') == 'channel_not_found'
    assert await slack.error(post, api_world.carl_token, channel=api_world.secret, text='hi') == 'channel_not_found'
    assert await slack.error(post, api_world.carl_token, channel=api_world.side, text='hi') == 'not_in_channel'
    assert await slack.error(post, api_world.bob_token, channel=api_world.old, text='hi') == 'is_archived'
    assert await slack.error(post, api_world.bob_token, channel=api_world.general, text='x' * 4001) == 'msg_too_long'
    assert await slack.error(post, api_world.bob_token, channel=api_world.general, text='   ') == 'no_text'
    assert await slack.error(post, api_world.bob_token, channel=api_world.general) == 'no_text'
    assert count_rows(Message) == 0


async def test_update_and_delete_own_messages_only(api_world: ApiWorld, slack: SlackCaller) -> None:
    mine = await slack.ok('chat.postMessage', api_world.bob_token, channel=api_world.general, text='tpyo')
    edited = await slack.ok('chat.update', api_world.bob_token, channel=api_world.general, ts=mine['ts'], text='typo')
    assert edited['text'] == 'typo' and edited['message']['edited']['user'] == user_sid(api_world.bob)
    update, delete = 'chat.update', 'chat.delete'
    assert await slack.error(update, api_world.carl_token, channel=api_world.general, ts=mine['ts'], text='x') == (
        'cant_update_message'
    )
    assert (
        await slack.error(delete, api_world.carl_token, channel=api_world.general, ts=mine['ts'])
        == 'cant_delete_message'
    )
    assert await slack.error(
        update, api_world.bob_token, channel=api_world.general, ts=forged_ts(10**12), text='x'
    ) == ('message_not_found')
    assert await slack.error(update, api_world.bob_token, channel=api_world.general, ts='nonsense', text='x') == (
        'message_not_found'
    )
    assert (
        await slack.error(delete, api_world.bob_token, channel=api_world.secret, ts=mine['ts']) == 'message_not_found'
    )
    assert (
        await slack.error(update, api_world.bob_token, channel=api_world.general, ts=mine['ts'], text='') == 'no_text'
    )
    done = await slack.ok(delete, api_world.bob_token, channel=api_world.general, ts=mine['ts'])
    assert done['ts'] == mine['ts']
    assert (
        await slack.error(delete, api_world.bob_token, channel=api_world.general, ts=mine['ts']) == 'message_not_found'
    )
    history = await slack.ok('conversations.history', api_world.bob_token, channel=api_world.general)
    assert history['messages'] == []


async def test_permalink_opens_the_message_page(api_world: ApiWorld, slack: SlackCaller) -> None:
    posted = await slack.ok('chat.postMessage', api_world.bob_token, channel=api_world.general, text='link me')
    link = await slack.ok('chat.getPermalink', api_world.bob_token, channel=api_world.general, message_ts=posted['ts'])
    assert link['channel'] == api_world.general
    assert link['permalink'].endswith(f'/archives/{api_world.general}/p{posted["ts"].replace(".", "")}')


# ---- reactions -----------------------------------------------------------------------------------------


async def test_reactions_add_remove_and_their_errors(api_world: ApiWorld, slack: SlackCaller) -> None:
    posted = await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text='ship it')
    ts = posted['ts']
    await slack.ok('reactions.add', api_world.bob_token, channel=api_world.general, timestamp=ts, name='thumbsup')
    await slack.ok('reactions.add', api_world.carl_token, channel=api_world.general, timestamp=ts, name='+1')
    add, remove = 'reactions.add', 'reactions.remove'
    assert await slack.error(add, api_world.bob_token, channel=api_world.general, timestamp=ts, name='thumbsup') == (
        'already_reacted'
    )
    assert await slack.error(add, api_world.bob_token, channel=api_world.general, timestamp=ts, name='no-such') == (
        'invalid_name'
    )
    assert await slack.error(remove, api_world.bob_token, channel=api_world.general, timestamp=ts, name='tada') == (
        'no_reaction'
    )
    assert await slack.error(add, api_world.eve_token, channel=api_world.general, timestamp=ts, name='tada') == (
        'channel_not_found'
    )
    got = await slack.ok('reactions.get', api_world.ada_token, channel=api_world.general, timestamp=ts)
    assert got['message']['reactions'] == [
        {'name': 'thumbsup', 'count': 2, 'users': [user_sid(api_world.bob), user_sid(api_world.carl)]}
    ]
    await slack.ok(remove, api_world.bob_token, channel=api_world.general, timestamp=ts, name='thumbsup')
    assert count_rows(Reaction) == 1


# ---- conversations -------------------------------------------------------------------------------------


async def test_conversations_list_by_type_with_cursor_pages(api_world: ApiWorld, slack: SlackCaller) -> None:
    public = await slack.ok('conversations.list', api_world.carl_token)
    assert {c['name'] for c in public['channels']} == {'general', 'side', 'old'}
    assert all(c['is_channel'] and not c['is_private'] for c in public['channels'])
    assert {c['name']: c['is_member'] for c in public['channels']}['side'] is False
    assert public['response_metadata']['next_cursor'] == ''
    carl_all = await slack.ok('conversations.list', api_world.carl_token, types='public_channel,private_channel')
    assert 'secret' not in {c['name'] for c in carl_all['channels']}  # not his
    bob_private = await slack.ok('conversations.list', api_world.bob_token, types='private_channel')
    assert [(c['name'], c['id'], c['is_private']) for c in bob_private['channels']] == [
        ('secret', api_world.secret, True)
    ]
    names: list[str] = []
    cursor = ''
    for _ in range(5):
        page = await slack.ok(
            'conversations.list', api_world.ada_token, types='public_channel,private_channel', limit=2, cursor=cursor
        )
        names += [c['name'] for c in page['channels']]
        cursor = page['response_metadata']['next_cursor']
        if not cursor:
            break
    assert sorted(names) == ['general', 'old', 'secret', 'side']
    active = await slack.ok('conversations.list', api_world.ada_token, exclude_archived=True)
    assert 'old' not in {c['name'] for c in active['channels']}
    assert await slack.error('conversations.list', api_world.ada_token, types='bogus') == 'invalid_types'
    assert await slack.error('conversations.list', api_world.ada_token, cursor='%%%') == 'invalid_cursor'
    assert await slack.error('conversations.list', api_world.ada_token, cursor='Zm9vOmJhcg==') == 'invalid_cursor'


async def test_direct_messages_open_list_and_info(api_world: ApiWorld, slack: SlackCaller) -> None:
    opened = await slack.ok('conversations.open', api_world.bot_token, users=user_sid(api_world.bob))
    dm = opened['channel']['id']
    assert dm.startswith('D')
    await slack.ok('chat.postMessage', api_world.bot_token, channel=dm, text='psst')
    ims = await slack.ok('conversations.list', api_world.bob_token, types='im')
    assert [(c['id'], c['is_im']) for c in ims['channels']] == [(dm, True)]
    assert ims['channels'][0]['user'].startswith('U')
    assert await slack.error('conversations.info', api_world.carl_token, channel=dm) == 'channel_not_found'
    assert (
        await slack.error('conversations.open', api_world.bot_token, users=user_sid(api_world.eve)) == 'user_not_found'
    )
    assert await slack.error('conversations.open', api_world.bot_token, users='nobody') == 'user_not_found'


async def test_conversations_info_members_and_join(api_world: ApiWorld, slack: SlackCaller) -> None:
    info = await slack.ok(
        'conversations.info', api_world.ada_token, channel=api_world.general, include_num_members=True
    )
    assert info['channel']['name'] == 'general' and info['channel']['is_general'] is True
    assert info['channel']['num_members'] == 4  # ada, bob, carl and the bot
    assert (
        await slack.error('conversations.info', api_world.carl_token, channel=api_world.secret) == 'channel_not_found'
    )
    members = await slack.ok('conversations.members', api_world.bob_token, channel=api_world.secret, limit=1)
    assert members['members'] == [user_sid(api_world.ada)]
    cursor = members['response_metadata']['next_cursor']
    rest = await slack.ok('conversations.members', api_world.bob_token, channel=api_world.secret, cursor=cursor)
    assert rest['members'] == [user_sid(api_world.bob)] and rest['response_metadata']['next_cursor'] == ''
    joined = await slack.ok('conversations.join', api_world.carl_token, channel=api_world.side)
    assert joined['channel']['is_member'] is True and 'warning' not in joined
    again = await slack.ok('conversations.join', api_world.carl_token, channel=api_world.side)
    assert again['warning'] == 'already_in_channel'
    await slack.ok('chat.postMessage', api_world.carl_token, channel=api_world.side, text='hello side')
    assert (
        await slack.error('conversations.join', api_world.carl_token, channel=api_world.secret) == 'channel_not_found'
    )
    assert await slack.error('conversations.join', api_world.carl_token, channel=api_world.old) == 'is_archived'


async def test_conversations_create(api_world: ApiWorld, slack: SlackCaller) -> None:
    made = await slack.ok('conversations.create', api_world.bob_token, name='bots', is_private=True)
    assert made['channel']['id'].startswith('G') and made['channel']['is_private'] is True
    assert await slack.error('conversations.create', api_world.bob_token, name='Bad Name') == 'invalid_name'
    assert await slack.error('conversations.create', api_world.bob_token, name='general') == 'name_taken'


async def test_history_is_newest_first_with_bounds_and_cursor(api_world: ApiWorld, slack: SlackCaller) -> None:
    stamps = []
    for n in range(5):
        posted = await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text=f'm{n}')
        stamps.append(posted['ts'])
    history = 'conversations.history'
    first = await slack.ok(history, api_world.carl_token, channel=api_world.general, limit=2)
    assert [m['text'] for m in first['messages']] == ['m4', 'm3'] and first['has_more'] is True
    second = await slack.ok(
        history,
        api_world.carl_token,
        channel=api_world.general,
        limit=2,
        cursor=first['response_metadata']['next_cursor'],
    )
    assert [m['text'] for m in second['messages']] == ['m2', 'm1']
    between = await slack.ok(
        history, api_world.carl_token, channel=api_world.general, oldest=stamps[1], latest=stamps[3]
    )
    assert [m['text'] for m in between['messages']] == ['m2']
    inclusive = await slack.ok(
        history, api_world.carl_token, channel=api_world.general, oldest=stamps[1], latest=stamps[3], inclusive=True
    )
    assert [m['text'] for m in inclusive['messages']] == ['m3', 'm2', 'm1']
    assert inclusive['has_more'] is False and inclusive['response_metadata']['next_cursor'] == ''
    # A public channel can be read without joining (as in the UI); a private one of others cannot.
    assert len((await slack.ok(history, api_world.carl_token, channel=api_world.side))['messages']) == 0
    assert await slack.error(history, api_world.carl_token, channel=api_world.secret) == 'channel_not_found'
    assert (
        await slack.error(history, api_world.carl_token, channel=api_world.general, latest='soon')
        == 'invalid_ts_latest'
    )


# ---- users ---------------------------------------------------------------------------------------------


async def test_users_list_and_info(api_world: ApiWorld, slack: SlackCaller) -> None:
    seen: list[dict[str, object]] = []
    cursor = ''
    for _ in range(6):
        page = await slack.ok('users.list', api_world.carl_token, limit=2, cursor=cursor)
        seen += page['members']
        cursor = page['response_metadata']['next_cursor']
        if not cursor:
            break
    assert sorted(str(m['real_name']) for m in seen) == ['Ada', 'Bob', 'Carl', 'Deploy Bot']  # not Eve
    by_name = {m['real_name']: m for m in seen}
    assert by_name['Deploy Bot']['is_bot'] is True and by_name['Ada']['is_owner'] is True
    assert all('email' not in m['profile'] for m in seen)  # type: ignore[operator]
    info = await slack.ok('users.info', api_world.carl_token, user=user_sid(api_world.bob))
    assert info['user']['name'] == 'bob' and info['user']['id'] == user_sid(api_world.bob)
    for forged in (user_sid(api_world.eve), 'U' + 'Z' * 13, 'nobody', user_sid(10**9)):
        assert await slack.error('users.info', api_world.carl_token, user=forged) == 'user_not_found'


# ---- rate limits ---------------------------------------------------------------------------------------


async def test_a_flood_gets_429_with_retry_after(
    api_world: ApiWorld, slack: SlackCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limiter, '_clock', lambda: 1000.0)  # time stands still: no refill however slow the machine
    statuses = []
    for n in range(25):
        response = await slack.raw('chat.postMessage', api_world.bot_token, channel=api_world.general, text=f'spam {n}')
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.json() == {'ok': False, 'error': 'ratelimited'}
            assert int(response.headers['Retry-After']) >= 1
            break
    assert statuses[-1] == 429 and statuses[:-1] == [200] * 20  # the burst is 20
    assert count_rows(Message) == 20
