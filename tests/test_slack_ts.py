"""Slack's `ts` is the send time: time bounds, uniqueness per channel, resolution within the channel."""

from __future__ import annotations

import time

import pytest

from api.slack.ids import ts_us_of
from db.api_queries import permalink_target
from db.models import Message
from state.actions import messages
from state.actions.messages import send_message
from state.rate_limit import exempt, limiter
from tests.factories import World, count_rows
from tests.slack_support import ApiWorld, SlackCaller


async def test_oldest_an_hour_ago_finds_a_fresh_message(api_world: ApiWorld, slack: SlackCaller) -> None:
    before = time.time()
    posted = await slack.ok('chat.postMessage', api_world.bot_token, channel=api_world.general, text='fresh')
    assert before - 1 <= float(posted['ts']) <= time.time() + 1  # the send time, in Slack's format
    assert len(posted['ts'].split('.')[1]) == 6
    recent = await slack.ok(
        'conversations.history', api_world.bob_token, channel=api_world.general, oldest=str(time.time() - 3600)
    )
    assert [m['text'] for m in recent['messages']] == ['fresh']
    old = await slack.ok(
        'conversations.history', api_world.bob_token, channel=api_world.general, latest=str(time.time() - 3600)
    )
    assert old['messages'] == []


async def test_bounds_are_exclusive_unless_inclusive(api_world: ApiWorld, slack: SlackCaller) -> None:
    stamps = []
    for n in range(3):
        posted = await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text=f'm{n}')
        stamps.append(posted['ts'])
    history = 'conversations.history'
    args = {'channel': api_world.general, 'oldest': stamps[0], 'latest': stamps[2]}
    between = await slack.ok(history, api_world.bob_token, **args)
    assert [m['ts'] for m in between['messages']] == [stamps[1]]
    both = await slack.ok(history, api_world.bob_token, **args, inclusive=True)
    assert [m['ts'] for m in both['messages']] == stamps[::-1]
    paged = await slack.ok(history, api_world.bob_token, **args, inclusive=True, limit=2)
    assert paged['has_more'] is True and len(paged['messages']) == 2
    rest = await slack.ok(
        history, api_world.bob_token, **args, inclusive=True, cursor=paged['response_metadata']['next_cursor']
    )
    assert [m['ts'] for m in rest['messages']] == [stamps[0]] and rest['has_more'] is False
    assert await slack.error(history, api_world.bob_token, channel=api_world.general, oldest='soon') == (
        'invalid_ts_oldest'
    )


def test_a_burst_in_one_channel_gets_unique_increasing_ts(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    frozen = 1_733_150_000_000_000
    monkeypatch.setattr(messages, 'epoch_us', lambda _moment=None: frozen)  # every send in the same microsecond
    with exempt():  # the burst is faster than the message rate limit allows a person
        sent = [send_message(world.ada, world.general, f'burst {n}', None) for n in range(30)]
    stamps = [view.ts_us for view in sent]
    assert stamps == list(range(frozen, frozen + 30))
    assert count_rows(Message, channel_id=world.general) == 30


async def test_a_ts_names_a_message_only_in_its_channel(api_world: ApiWorld, slack: SlackCaller) -> None:
    posted = await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text='here')
    react = {'timestamp': posted['ts'], 'name': 'tada'}
    assert await slack.error('reactions.add', api_world.ada_token, channel=api_world.side, **react) == (
        'message_not_found'
    )
    await slack.ok('reactions.add', api_world.ada_token, channel=api_world.general, **react)
    assert ts_us_of(posted['ts']) is not None


async def test_threads_carry_latest_reply_and_parent_user(api_world: ApiWorld, slack: SlackCaller) -> None:
    root = await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text='root')
    first = await slack.ok(
        'chat.postMessage', api_world.bob_token, channel=api_world.general, text='one', thread_ts=root['ts']
    )
    last = await slack.ok(
        'chat.postMessage', api_world.carl_token, channel=api_world.general, text='two', thread_ts=first['ts']
    )
    thread = await slack.ok('conversations.replies', api_world.bob_token, channel=api_world.general, ts=last['ts'])
    parent, *replies = thread['messages']
    assert parent['ts'] == root['ts'] and parent['latest_reply'] == last['ts'] and parent['reply_count'] == 2
    assert parent['reply_users_count'] == 2 and 'parent_user_id' not in parent
    assert all(r['thread_ts'] == root['ts'] and r['parent_user_id'] == parent['user'] for r in replies)
    only_last = await slack.ok(
        'conversations.replies', api_world.bob_token, channel=api_world.general, ts=root['ts'], oldest=first['ts']
    )
    assert [m['ts'] for m in only_last['messages']] == [root['ts'], last['ts']]


def test_permalink_target_follows_the_read_rule(world: World) -> None:
    view = send_message(world.ada, world.private, 'private words', None)
    assert permalink_target(world.bob, world.private, view.ts_us) == (world.slug, view.id)
    assert permalink_target(world.carl, world.private, view.ts_us) is None  # not a member: the same as missing
    assert permalink_target(world.eve, world.private, view.ts_us) is None
    assert permalink_target(world.bob, world.private, view.ts_us + 1) is None
    assert permalink_target(world.bob, world.general, view.ts_us) is None


async def test_reads_are_rate_limited_in_tiers(
    api_world: ApiWorld, slack: SlackCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limiter, '_clock', lambda: 1000.0)  # time stands still: no token refills meanwhile
    for _ in range(50):  # tier 3: about 50 a minute
        await slack.ok('conversations.history', api_world.bob_token, channel=api_world.general)
    refused = await slack.raw('conversations.history', api_world.bob_token, channel=api_world.general)
    assert refused.status_code == 429 and refused.json() == {'ok': False, 'error': 'ratelimited'}
    assert int(refused.headers['Retry-After']) >= 1
    await slack.ok('conversations.info', api_world.bob_token, channel=api_world.general)  # tier 4 has its own
    await slack.ok('conversations.history', api_world.carl_token, channel=api_world.general)  # and each caller
