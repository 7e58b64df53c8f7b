"""chat.postEphemeral: one member sees it live on their own topic, nothing is stored, Slack's errors."""

from __future__ import annotations

import json
import time

from api.slack.ids import user_sid
from db.models import Message
from state.bus import user_topic
from state.events import EphemeralPosted
from tests.factories import RecordingBackend, count_rows
from tests.slack_support import ApiWorld, SlackCaller


async def test_a_member_sees_it_on_their_own_topic_and_nothing_is_stored(
    api_world: ApiWorld, slack: SlackCaller, published: RecordingBackend
) -> None:
    before = count_rows(Message)
    blocks = [{'type': 'section', 'text': {'type': 'mrkdwn', 'text': '*Only* for <@' + user_sid(api_world.bob) + '>'}}]
    body = await slack.ok(
        'chat.postEphemeral',
        api_world.ada_token,
        channel=api_world.general,
        user=user_sid(api_world.bob),
        text='fallback',
        blocks=json.dumps(blocks),  # as Slack's clients send them in a form
    )
    assert abs(float(body['message_ts']) - time.time()) < 60  # a time, as Slack's
    [(topic, event)] = published.of_type(EphemeralPosted)
    assert topic == user_topic(api_world.bob) and event.user_id == api_world.bob
    assert event.message.author_name == 'Ada'
    assert '<strong>Only</strong>' in event.message.html and '@Bob' in event.message.html
    assert count_rows(Message) == before


async def test_slacks_errors(api_world: ApiWorld, slack: SlackCaller) -> None:
    ada = api_world.ada_token
    assert (
        await slack.error('chat.postEphemeral', ada, channel=api_world.side, user=user_sid(api_world.bob), text='hi')
        == 'user_not_in_channel'
    )
    assert (
        await slack.error('chat.postEphemeral', ada, channel='C999999999', user=user_sid(api_world.bob), text='hi')
        == 'channel_not_found'
    )
    assert (
        await slack.error('chat.postEphemeral', ada, channel=api_world.general, user='nobody', text='hi')
        == 'user_not_found'
    )
    assert (
        await slack.error('chat.postEphemeral', ada, channel=api_world.general, user=user_sid(api_world.bob), text='  ')
        == 'no_text'
    )
    assert (
        await slack.error(
            'chat.postEphemeral',
            api_world.carl_token,
            channel=api_world.secret,
            user=user_sid(api_world.bob),
            text='hi',
        )
        == 'channel_not_found'
    )
