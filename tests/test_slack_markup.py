"""Slack markup both ways, `channel` as a name or a person, and the richer conversation and user shapes."""

from __future__ import annotations

from api.slack.ids import user_sid
from api.slack.slack_text import slack_text
from db.models import Mention, Message
from state.render import ChannelRef, StaticResolver, UserRef, render_message
from tests.factories import count_rows
from tests.slack_support import ApiWorld, SlackCaller


async def test_a_bots_mention_is_a_real_mention_and_reads_back_in_slack_form(
    api_world: ApiWorld, slack: SlackCaller
) -> None:
    bob, side = user_sid(api_world.bob), api_world.side
    text = f'<@{bob}> see <#{side}> and <#{api_world.general}|general>, <!here> <https://example.com|docs> a&amp;b'
    posted = await slack.ok('chat.postMessage', api_world.bot_token, channel=api_world.general, text=text)
    stored = count_rows(Message, body='@Bob see #side and #general, @here docs (https://example.com) a&b')
    assert stored == 1  # what a person would have typed
    assert count_rows(Mention, user_id=api_world.bob) == 1  # bob is notified, as by a person's @Bob
    assert count_rows(Message, mentions_all=True) == 1
    expected = (
        f'<@{bob}> see <#{side}|side> and <#{api_world.general}|general>, <!here> docs (https://example.com) a&amp;b'
    )
    assert posted['message']['text'] == expected
    history = await slack.ok('conversations.history', api_world.bob_token, channel=api_world.general)
    assert history['messages'][0]['text'] == expected


async def test_a_persons_mention_reaches_the_api_as_slack_markup(api_world: ApiWorld, slack: SlackCaller) -> None:
    await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text='hi @bob, **ship** `@Bob`')
    history = await slack.ok('conversations.history', api_world.carl_token, channel=api_world.general)
    assert history['messages'][0]['text'] == f'hi <@{user_sid(api_world.bob)}>, *ship* `@Bob`'


async def test_an_edit_takes_markup_too(api_world: ApiWorld, slack: SlackCaller) -> None:
    posted = await slack.ok('chat.postMessage', api_world.bot_token, channel=api_world.general, text='soon')
    carl = user_sid(api_world.carl)
    edited = await slack.ok(
        'chat.update', api_world.bot_token, channel=api_world.general, ts=posted['ts'], text=f'<@{carl}> now'
    )
    assert edited['text'] == f'<@{carl}> now' and count_rows(Mention, user_id=api_world.carl) == 1


async def test_a_private_channel_the_bot_cannot_read_is_not_named(api_world: ApiWorld, slack: SlackCaller) -> None:
    await slack.ok('chat.postMessage', api_world.carl_token, channel=api_world.general, text=f'<#{api_world.secret}>')
    assert count_rows(Message, body='#unknown-channel') == 1


def test_only_what_the_renderer_marked_becomes_a_reference() -> None:
    resolver = StaticResolver.of('acme', [UserRef(7, 'Ada Lovelace')], [ChannelRef(3, 'random')])
    body = 'a `@Ada Lovelace` then @ada lovelace in #random, #nowhere and @nobody: 1 < 2'
    rendered = render_message(body, resolver).html
    text = slack_text(body, rendered, lambda cid: f'C{cid:08d}')
    assert text == 'a `@Ada Lovelace` then <@U00000007> in <#C00000003|random>, #nowhere and @nobody: 1 &lt; 2'


async def test_channel_may_be_a_name_or_a_person(api_world: ApiWorld, slack: SlackCaller) -> None:
    for name in ('#general', 'general'):
        posted = await slack.ok('chat.postMessage', api_world.bob_token, channel=name, text=f'to {name}')
        assert posted['channel'] == api_world.general
    direct = await slack.ok('chat.postMessage', api_world.bob_token, channel=user_sid(api_world.carl), text='psst')
    assert direct['channel'].startswith('D')
    again = await slack.ok('conversations.history', api_world.carl_token, channel=user_sid(api_world.bob))
    assert [m['text'] for m in again['messages']] == ['psst']  # the same DM, seen from the other side
    assert await slack.error('chat.postMessage', api_world.bob_token, channel=api_world.general.lower(), text='x') == (
        'channel_not_found'  # a lower-case word is a name, never an id
    )
    assert await slack.error('chat.postMessage', api_world.bob_token, channel='#secretive', text='x') == (
        'channel_not_found'
    )
    assert await slack.error('chat.postMessage', api_world.carl_token, channel='secret', text='x') == (
        'channel_not_found'  # private, and carl is not in it
    )
    assert await slack.error('chat.postMessage', api_world.bob_token, channel=user_sid(api_world.eve), text='x') == (
        'channel_not_found'  # another workspace's person
    )


async def test_conversations_carry_num_members(api_world: ApiWorld, slack: SlackCaller) -> None:
    listed = await slack.ok('conversations.list', api_world.ada_token)
    sizes = {c['id']: c['num_members'] for c in listed['channels']}
    assert sizes[api_world.general] == 4 and sizes[api_world.side] == 1  # ada, bob, carl and the bot
    info = await slack.ok('conversations.info', api_world.ada_token, channel=api_world.side, include_num_members=True)
    assert info['channel']['num_members'] == 1


async def test_users_carry_avatar_urls_that_answer_an_svg(api_world: ApiWorld, slack: SlackCaller) -> None:
    found = await slack.ok('users.info', api_world.ada_token, user=user_sid(api_world.bob))
    profile = found['user']['profile']
    urls = {profile[f'image_{size}'] for size in (24, 32, 48, 72, 192, 512)}
    assert len(urls) == 1
    url = urls.pop()
    assert url.endswith(f'/avatars/{user_sid(api_world.bob)}.svg')
    response = await slack.client.get('/' + url.split('/', 3)[3])
    assert response.status_code == 200 and response.headers['content-type'].startswith('image/svg+xml')
    assert response.text.startswith('<svg')
    assert (await slack.client.get('/avatars/nobody.svg')).status_code == 404
