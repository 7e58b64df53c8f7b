"""The Events API: what each change becomes, who hears of it, and Slack's envelope."""

from __future__ import annotations

import json

from api.slack.ids import app_sid, channel_sid, team_sid, ts_of, user_sid
from db.api_queries import message_ts_us
from db.models import ChannelKind
from state.actions.apps import set_app_disabled
from state.actions.channels import archive_channel, create_channel, join_channel, leave_channel, unarchive_channel
from state.actions.messages import delete_message, edit_message, send_message
from state.actions.profile import set_status
from state.actions.reactions import add_reaction, remove_reaction
from state.actions.workspaces import add_member
from state.integrations.signing import is_valid_signature
from tests.events_support import RecordingTransport, deliver, make_app
from tests.factories import World, make_user


async def test_a_message_in_a_channel_the_bot_is_in_arrives_in_slacks_envelope(world: World) -> None:
    app = await make_app(world)
    sent = send_message(world.bob, world.general, 'hello bots', 'c-1')
    transport = await deliver(RecordingTransport())
    assert transport.types() == ['message']
    claim, payload = transport.sent[0]
    assert set(payload) >= {
        'token',
        'team_id',
        'api_app_id',
        'event',
        'type',
        'event_id',
        'event_time',
        'authorizations',
        'is_ext_shared_channel',
        'event_context',
    }
    assert payload['type'] == 'event_callback' and payload['event_id'].startswith('Ev')
    assert payload['team_id'] == team_sid(world.workspace) and payload['api_app_id'] == app_sid(app.id)
    assert payload['authorizations'][0] == {
        'enterprise_id': None,
        'team_id': team_sid(world.workspace),
        'user_id': user_sid(app.bot_user_id),
        'is_bot': True,
        'is_enterprise_install': False,
    }
    assert payload['is_ext_shared_channel'] is False
    event = payload['event']
    assert event['channel'] == channel_sid(world.general, ChannelKind.PUBLIC) and event['channel_type'] == 'channel'
    assert (
        event['ts'] == ts_of(message_ts_us(sent.id))
        and event['user'] == user_sid(world.bob)
        and event['text'] == 'hello bots'
    )
    assert 'bot_id' not in event and claim.attempt == 1


async def test_mentioning_the_bot_adds_app_mention_and_a_bots_post_carries_bot_id(world: World) -> None:
    app = await make_app(world)
    root = send_message(world.bob, world.general, 'hey @Helper, ping', 'c-1')
    transport = await deliver(RecordingTransport())
    assert sorted(transport.types()) == ['app_mention', 'message']
    mention = next(e for e in transport.events() if e['type'] == 'app_mention')
    assert (
        mention['ts'] == ts_of(message_ts_us(root.id))
        and mention['user'] == user_sid(world.bob)
        and 'channel_type' not in mention
    )
    send_message(app.bot_user_id, world.general, 'pong', 'c-2', thread_root_id=root.id)
    transport = await deliver(RecordingTransport())
    [reply] = transport.events()
    assert reply['bot_id'] and reply['thread_ts'] == ts_of(
        message_ts_us(root.id)
    )  # Slack delivers a bot's own posts too


async def test_edits_deletes_and_broadcasts(world: World) -> None:
    await make_app(world)
    root = send_message(world.bob, world.general, 'first', 'c-1')
    edit_message(world.bob, root.id, 'second')
    send_message(world.bob, world.general, 'also here', 'c-2', thread_root_id=root.id, also_in_channel=True)
    gone = send_message(world.bob, world.general, 'oops', 'c-3')
    delete_message(world.bob, gone.id)
    events = (await deliver(RecordingTransport())).events()
    changed = next(e for e in events if e.get('subtype') == 'message_changed')
    assert changed['message']['text'] == 'second' and changed['previous_message']['text'] == 'first'
    assert changed['message']['ts'] == ts_of(message_ts_us(root.id)) and 'edited' in changed['message']
    assert any(e.get('subtype') == 'thread_broadcast' for e in events)
    deleted = next(e for e in events if e.get('subtype') == 'message_deleted')
    assert deleted['deleted_ts'] == ts_of(message_ts_us(gone.id)) and deleted['channel_type'] == 'channel'


async def test_reactions_carry_the_item_and_its_author(world: World) -> None:
    await make_app(world, events=('reaction_added', 'reaction_removed'))
    sent = send_message(world.bob, world.general, 'react to me', 'c-1')
    add_reaction(world.ada, sent.id, 'tada')
    remove_reaction(world.ada, sent.id, 'tada')
    events = (await deliver(RecordingTransport())).events()
    assert [e['type'] for e in events] == ['reaction_added', 'reaction_removed']
    assert events[0]['item'] == {
        'type': 'message',
        'channel': channel_sid(world.general, ChannelKind.PUBLIC),
        'ts': ts_of(message_ts_us(sent.id)),
    }
    assert events[0]['item_user'] == user_sid(world.bob) and events[0]['user'] == user_sid(world.ada)
    assert events[0]['reaction'] == 'tada'


async def test_channel_and_member_events(world: World) -> None:
    app = await make_app(
        world,
        events=(
            'channel_created',
            'channel_archive',
            'channel_unarchive',
            'member_joined_channel',
            'member_left_channel',
        ),
    )
    made = create_channel(world.ada, world.workspace, 'launch')  # public: every app hears of it
    archive_channel(world.ada, made.id)
    unarchive_channel(world.ada, made.id)
    events = (await deliver(RecordingTransport())).events()  # not ada's joining: the bot is not in #launch
    join_channel(app.bot_user_id, made.id)
    join_channel(world.bob, made.id)
    leave_channel(world.bob, made.id)
    events += (await deliver(RecordingTransport())).events()
    assert [e['type'] for e in events] == [
        'channel_created',
        'channel_archive',
        'channel_unarchive',
        'member_joined_channel',
        'member_joined_channel',
        'member_left_channel',
    ]
    sid = channel_sid(made.id, ChannelKind.PUBLIC)
    assert events[0]['channel']['id'] == sid and events[0]['channel']['name'] == 'launch'
    assert events[1]['channel'] == sid
    assert {k: events[4][k] for k in ('user', 'channel', 'channel_type')} == {
        'user': user_sid(world.bob),
        'channel': sid,
        'channel_type': 'C',
    }
    assert events[5]['user'] == user_sid(world.bob)


async def test_team_join_and_user_change_reach_the_workspace(world: World) -> None:
    await make_app(world, events=('team_join', 'user_change'))
    newcomer = make_user('Dora')
    assert newcomer.id is not None
    add_member(world.workspace, newcomer.id)
    set_status(world.bob, 'lunch', ':taco:')
    events = (await deliver(RecordingTransport())).events()
    assert [e['type'] for e in events] == ['team_join', 'user_change']
    assert events[0]['user']['id'] == user_sid(newcomer.id) and events[0]['user']['team_id'] == team_sid(
        world.workspace
    )
    assert events[1]['user']['profile']['status_text'] == 'lunch'


async def test_a_private_channel_the_bot_is_not_in_delivers_nothing(world: World) -> None:
    await make_app(world)
    send_message(world.bob, world.private, 'secret plans', 'c-1')
    send_message(world.ada, world.side, 'public, but the bot is not in it', 'c-2')
    add_reaction(world.ada, send_message(world.ada, world.private, 'x', 'c-3').id, 'tada')
    assert (await deliver(RecordingTransport())).sent == []


async def test_a_private_channel_the_bot_is_in_says_group(world: World) -> None:
    app = await make_app(world)
    from state.actions.channels import invite_to_channel

    invite_to_channel(world.ada, world.private, app.bot_user_id)
    send_message(world.bob, world.private, 'now you may hear', 'c-1')
    events = (await deliver(RecordingTransport())).events()
    message = next(e for e in events if e['type'] == 'message')
    assert message['channel_type'] == 'group' and message['channel'].startswith('G')


async def test_only_subscribed_events_are_delivered(world: World) -> None:
    await make_app(world, events=('app_mention',))
    send_message(world.bob, world.general, 'not for the bot', 'c-1')
    send_message(world.bob, world.general, '@Helper this is', 'c-2')
    assert (await deliver(RecordingTransport())).types() == ['app_mention']


async def test_a_disabled_app_gets_nothing(world: World) -> None:
    app = await make_app(world)
    set_app_disabled(world.ada, app.id, True)
    send_message(world.bob, world.general, 'anyone?', 'c-1')
    assert (await deliver(RecordingTransport())).sent == []
    set_app_disabled(world.ada, app.id, False)
    send_message(world.bob, world.general, 'back?', 'c-2')
    assert [e['text'] for e in (await deliver(RecordingTransport())).events()] == ['back?']


async def test_the_envelope_is_signed_with_the_apps_secret(world: World) -> None:
    import httpx

    from api.slack.events_api.transport import HttpTransport

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    app = await make_app(world)
    send_message(world.bob, world.general, 'signed', 'c-1')
    from api.slack.events_api.worker import DeliveryWorker

    worker = DeliveryWorker(http=HttpTransport(httpx.AsyncClient(transport=httpx.MockTransport(answer))))
    assert await worker.run_once() == 1
    request = seen[0]
    stamp, signature = request.headers['X-Slack-Request-Timestamp'], request.headers['X-Slack-Signature']
    assert is_valid_signature(app.signing_secret, stamp, request.content, signature)
    assert not is_valid_signature('0' * 32, stamp, request.content, signature)
    assert json.loads(request.content)['event']['text'] == 'signed'
    assert 'X-Slack-Retry-Num' not in request.headers
