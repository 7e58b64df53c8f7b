"""chat.scheduleMessage, chat.scheduledMessages.list and chat.deleteScheduledMessage, as Slack's clients call them."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from api.slack.ids import channel_id_of
from api.slack.methods.scheduled import scheduled_id_of, scheduled_sid
from db.models import Message, ScheduledMessage, utcnow
from state.actions.scheduled_delivery import deliver_due
from tests.factories import count_rows
from tests.slack_support import ApiWorld, SlackCaller


def _in(seconds: int) -> int:
    return int(time.time()) + seconds


async def _schedule(slack: SlackCaller, token: str, **args: Any) -> dict[str, Any]:
    return await slack('chat.scheduleMessage', token, **args)


async def test_schedule_list_and_delete(api_world: ApiWorld, slack: SlackCaller) -> None:
    at = _in(3600)
    body = await _schedule(slack, api_world.bob_token, channel=api_world.general, text='later', post_at=at)
    assert body['ok'], body
    assert body['post_at'] == at and body['channel'] == api_world.general
    assert body['scheduled_message_id'].startswith('Q')
    assert body['message']['text'] == 'later' and body['message']['type'] == 'delayed_message'
    listed = await slack('chat.scheduledMessages.list', api_world.bob_token)
    assert [(m['id'], m['channel_id'], m['post_at'], m['text']) for m in listed['scheduled_messages']] == [
        (body['scheduled_message_id'], api_world.general, at, 'later')
    ]
    assert listed['response_metadata']['next_cursor'] == ''
    assert (await slack('chat.scheduledMessages.list', api_world.ada_token))['scheduled_messages'] == []
    deleted = await slack(
        'chat.deleteScheduledMessage',
        api_world.bob_token,
        channel=api_world.general,
        scheduled_message_id=body['scheduled_message_id'],
    )
    assert deleted['ok'], deleted
    assert count_rows(ScheduledMessage) == 0


@pytest.mark.parametrize(
    ('post_at', 'error'),
    [
        (_in(-10), 'time_in_past'),
        (0, 'time_in_past'),
        (-5, 'time_in_past'),
        (_in(121 * 86400), 'time_too_far'),
        (10**30, 'time_too_far'),
        ('soon', 'invalid_time'),
        ('nan', 'invalid_time'),
    ],
)
async def test_time_rules(api_world: ApiWorld, slack: SlackCaller, post_at: object, error: str) -> None:
    body = await _schedule(slack, api_world.bob_token, channel=api_world.general, text='x', post_at=post_at)
    assert not body['ok'] and body['error'] == error, body
    assert count_rows(ScheduledMessage) == 0


async def test_post_at_as_a_string_and_the_send_rules(api_world: ApiWorld, slack: SlackCaller) -> None:
    ok = await _schedule(slack, api_world.bob_token, channel=api_world.general, text='hi', post_at=str(_in(60)))
    assert ok['ok'], ok
    empty = await _schedule(slack, api_world.bob_token, channel=api_world.general, post_at=_in(60))
    assert empty['error'] == 'no_text'
    archived = await _schedule(slack, api_world.bob_token, channel=api_world.old, text='x', post_at=_in(60))
    assert archived['error'] == 'is_archived'
    not_in = await _schedule(slack, api_world.carl_token, channel=api_world.side, text='x', post_at=_in(60))
    assert not_in['error'] == 'not_in_channel'
    elsewhere = await _schedule(slack, api_world.bob_token, channel=api_world.elsewhere, text='x', post_at=_in(60))
    assert elsewhere['error'] == 'channel_not_found'


async def test_a_thread_reply_is_delivered_into_its_thread(api_world: ApiWorld, slack: SlackCaller) -> None:
    root = await slack('chat.postMessage', api_world.bob_token, channel=api_world.general, text='root')
    body = await _schedule(
        slack,
        api_world.bob_token,
        channel=api_world.general,
        text='reply',
        post_at=_in(60),
        thread_ts=root['ts'],
    )
    assert body['message']['thread_ts'] == root['ts']
    deliver_due(utcnow() + timedelta(minutes=2))
    replies = await slack('conversations.replies', api_world.bob_token, channel=api_world.general, ts=root['ts'])
    assert [m['text'] for m in replies['messages']] == ['root', 'reply']
    assert (await slack('chat.scheduledMessages.list', api_world.bob_token))['scheduled_messages'] == []
    assert count_rows(Message, body='reply') == 1


async def test_the_list_pages_and_filters(api_world: ApiWorld, slack: SlackCaller) -> None:
    times = [_in(600 * (index + 1)) for index in range(5)]
    for at in reversed(times):
        await _schedule(slack, api_world.bob_token, channel=api_world.general, text=str(at), post_at=at)
    await _schedule(slack, api_world.bob_token, channel=api_world.secret, text='s', post_at=_in(60))
    seen: list[int] = []
    cursor = ''
    for _ in range(5):
        page = await slack(
            'chat.scheduledMessages.list', api_world.bob_token, channel=api_world.general, limit=2, cursor=cursor
        )
        seen.extend(m['post_at'] for m in page['scheduled_messages'])
        cursor = page['response_metadata']['next_cursor']
        if not cursor:
            break
    assert seen == times
    window = await slack('chat.scheduledMessages.list', api_world.bob_token, oldest=str(times[1]), latest=str(times[3]))
    assert [m['post_at'] for m in window['scheduled_messages']] == times[1:4]
    private = await slack('chat.scheduledMessages.list', api_world.bob_token, channel=api_world.secret)
    assert [m['text'] for m in private['scheduled_messages']] == ['s']
    assert private['scheduled_messages'][0]['channel_id'].startswith('G')
    bad = await slack('chat.scheduledMessages.list', api_world.bob_token, cursor='nope')
    assert bad['error'] == 'invalid_cursor'
    bad_latest = await slack('chat.scheduledMessages.list', api_world.bob_token, latest='later')
    assert bad_latest['error'] == 'invalid_ts_latest'


async def test_delete_refuses_other_peoples_and_forged_ids(api_world: ApiWorld, slack: SlackCaller) -> None:
    body = await _schedule(slack, api_world.bob_token, channel=api_world.general, text='x', post_at=_in(60))
    sid = body['scheduled_message_id']
    for token, channel, scheduled in (
        (api_world.ada_token, api_world.general, sid),  # not hers
        (api_world.bob_token, api_world.secret, sid),  # not that channel
        (api_world.bob_token, api_world.general, 'Qzzzzzzzzzzzzzz'),
        (api_world.bob_token, api_world.general, 'C00000001'),
        (api_world.bob_token, api_world.general, scheduled_sid(10**6)),
    ):
        answer = await slack('chat.deleteScheduledMessage', token, channel=channel, scheduled_message_id=scheduled)
        assert answer['error'] == 'invalid_scheduled_message_id', (scheduled, answer)
    assert count_rows(ScheduledMessage) == 1


def test_ids_round_trip() -> None:
    for number in (1, 35, 36, 10**12, 2**63 - 1):
        assert scheduled_id_of(scheduled_sid(number)) == number
    assert scheduled_id_of('Q') is None and scheduled_id_of(None) is None and scheduled_id_of('Q-1') is None
    assert channel_id_of(scheduled_sid(5)) is None  # not a conversation id
