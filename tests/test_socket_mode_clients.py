"""The official clients, unmodified, against our Socket Mode: Bolt's SocketModeHandler (its handler answers
through our Web API) and slack_sdk's aiohttp and websockets clients."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App as BoltApp
from slack_bolt import Say
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.aiohttp import SocketModeClient as AiohttpSocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.socket_mode.websockets import SocketModeClient as WebsocketsSocketModeClient
from slack_sdk.web import WebClient
from slack_sdk.web.async_client import AsyncWebClient

from api.slack.ids import channel_sid, ts_of, user_sid
from api.slack.socket_mode.hub import Ack, socket_hub
from db.api_queries import message_ts_us
from db.models import ChannelKind
from state.actions.apps import NewApp, create_app
from state.actions.messages import send_message
from tests.factories import World
from tests.socket_mode_support import Live, app_mention, live_server, wait_until


@pytest.fixture
def live(db: None) -> Iterator[Live]:
    with live_server() as server:
        yield server


@pytest.fixture
def made(world: World) -> NewApp:
    return create_app(world.ada, world.workspace, 'Helper', socket_mode=True, event_types=('app_mention',))


def test_bolt_handler_runs_for_a_delivered_mention_and_says_back_in_the_thread(
    live: Live, made: NewApp, world: World
) -> None:
    assert made.app_token is not None
    bolt = BoltApp(token=made.bot_token, client=WebClient(base_url=live.api_url, token=made.bot_token))
    heard: list[dict[str, Any]] = []

    @bolt.event('app_mention')
    def on_mention(event: dict[str, Any], say: Say) -> None:
        heard.append(event)
        say(text='On it!', thread_ts=event['ts'])

    handler = SocketModeHandler(bolt, made.app_token)
    handler.connect()
    try:
        wait_until(lambda: made.id in socket_hub.connected_app_ids(), 'Bolt to connect')
        mention = send_message(world.ada, world.general, f'<@{user_sid(made.bot_user_id)}> deploy?', 'c-1')
        payload = app_mention(made.id, world.workspace, world.ada, world.general, mention.id)
        assert live.run(socket_hub.deliver(made.id, 'events_api', payload)) == Ack({})
        reader = WebClient(base_url=live.api_url, token=made.bot_token)
        channel = channel_sid(world.general, ChannelKind.PUBLIC)

        def replies() -> list[dict[str, Any]]:
            answer = reader.conversations_replies(channel=channel, ts=ts_of(message_ts_us(mention.id)))
            return list(answer['messages'])

        wait_until(lambda: len(replies()) == 2, 'the thread reply')
        reply = replies()[1]
        assert reply['text'] == 'On it!' and reply['user'] == user_sid(made.bot_user_id)
        assert [event['text'] for event in heard] == ['hello bot']
    finally:
        handler.close()


@pytest.mark.parametrize(
    'client_class', [AiohttpSocketModeClient, WebsocketsSocketModeClient], ids=['aiohttp', 'websockets']
)
async def test_the_async_clients_connect_and_ack(live: Live, made: NewApp, client_class: Any) -> None:
    assert made.app_token is not None
    client = client_class(
        made.app_token, web_client=AsyncWebClient(base_url=live.api_url), auto_reconnect_enabled=False
    )
    hellos: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    got: asyncio.Queue[SocketModeRequest] = asyncio.Queue()

    async def on_message(_client: AsyncBaseSocketModeClient, message: dict[str, Any], _raw: str | None) -> None:
        if message.get('type') == 'hello':
            await hellos.put(message)

    async def on_request(socket_client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        await got.put(request)
        await socket_client.send_socket_mode_response(SocketModeResponse(request.envelope_id, {'text': 'done'}))

    client.message_listeners.append(on_message)
    client.socket_mode_request_listeners.append(on_request)
    await client.connect()
    try:
        assert (await asyncio.wait_for(hellos.get(), 10))['type'] == 'hello'
        command = {'command': '/deploy', 'text': 'now'}
        ack = await live.later(socket_hub.deliver(made.id, 'slash_commands', command, accepts_response_payload=True))
        assert ack == Ack({'text': 'done'})
        assert (await asyncio.wait_for(got.get(), 10)).payload == command
    finally:
        await client.close()
