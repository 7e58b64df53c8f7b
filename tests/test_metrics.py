"""`/metrics`: the counters move with real traffic, labels stay bounded, and only loopback or the token get in."""

from __future__ import annotations

import logging

import httpx
import pytest
from nicegui import app
from nicegui.testing import User
from prometheus_client.parser import text_string_to_metric_families

from settings import reset_settings_cache
from state.bus import bus
from state.events import TypingChanged
from state.stores import presence
from tests.slack_support import ApiWorld, SlackCaller

REMOTE = ('203.0.113.9', 40000)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def moved(before: str, after: str, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get('/metrics')
    assert response.status_code == 200, response.text
    assert response.headers['content-type'].startswith('text/plain')
    return response.text


def client_from(address: tuple[str, int]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=address), base_url='http://chat.test')


async def test_sending_messages_moves_the_counters(user: User, api_world: ApiWorld, slack: SlackCaller) -> None:
    before = await scrape(user.http_client)
    for n in range(2):
        await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text=f'hello {n}')
    await slack.ok('chat.postMessage', api_world.ada_token, channel=api_world.general, text='again', client_msg_id='x')
    after = await scrape(user.http_client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved('chat_messages_sent_total') == 3
    assert moved('chat_events_published_total', kind='message.created') >= 3
    assert moved('chat_action_seconds_count', action='messages.send_message') == 3
    assert moved('chat_action_seconds_sum', action='messages.send_message') > 0
    assert moved('chat_http_requests_total', route='/api/{method_name}', status='200') == 3
    assert value(after, 'process_resident_memory_bytes') > 0  # the default collectors are there


async def test_a_retried_send_is_not_counted_again(user: User, api_world: ApiWorld) -> None:
    from state.actions.messages import send_message
    from state.blocking import off_loop

    general = _general_id(api_world)
    first = await off_loop(send_message, api_world.ada, general, 'once', 'retry-1')
    before = await scrape(user.http_client)
    again = await off_loop(send_message, api_world.ada, general, 'once', 'retry-1')
    after = await scrape(user.http_client)
    assert again.id == first.id
    assert value(after, 'chat_messages_sent_total') == value(before, 'chat_messages_sent_total')


def _general_id(world: ApiWorld) -> int:
    from api.slack.ids import channel_id_of

    channel_id = channel_id_of(world.general)
    assert channel_id is not None
    return channel_id


async def test_routes_are_labelled_by_template_not_by_raw_path(user: User) -> None:
    before = await scrape(user.http_client)
    for public_id in ('aaa111', 'bbb222', 'ccc333'):
        assert (await user.http_client.get(f'/files/{public_id}/thumb')).status_code == 401
    assert (await user.http_client.get('/no/such/route/42')).status_code == 404
    after = await scrape(user.http_client)
    assert (
        value(after, 'chat_http_requests_total', route='/files/{public_id}/thumb', status='401')
        - value(before, 'chat_http_requests_total', route='/files/{public_id}/thumb', status='401')
        == 3
    )
    assert value(after, 'chat_http_requests_total', route='unmatched', status='404') > value(
        before, 'chat_http_requests_total', route='unmatched', status='404'
    )
    assert 'aaa111' not in after and '/no/such' not in after


async def test_tabs_and_people_online_are_read_at_scrape_time(user: User) -> None:
    presence.store.client_connected(101, 'tab-a')
    presence.store.client_connected(101, 'tab-b')
    presence.store.client_connected(102, 'tab-c')
    text = await scrape(user.http_client)
    assert value(text, 'chat_tabs_connected') == 3
    assert value(text, 'chat_users_online') == 2
    presence.store.client_gone(101, 'tab-b')
    text = await scrape(user.http_client)
    assert value(text, 'chat_tabs_connected') == 2
    assert value(text, 'chat_bus_connected') == 1  # alone: the in-process bus
    assert value(text, 'chat_bus_queue_length') == 0


async def test_fanout_is_timed_and_logged_errors_are_counted_by_logger(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    def failing(_event: object) -> None:
        raise RuntimeError('a broken subscriber')

    bus.subscribe('typing:999', failing, detached=True)
    before = await scrape(user.http_client)
    bus.publish('typing:999', TypingChanged(channel_id=999, user_id=1, user_name='Ada', typing=True))
    logging.getLogger('tests.metrics').error('something went wrong')
    after = await scrape(user.http_client)
    assert moved(before, after, 'chat_fanout_seconds_count') == 1
    assert moved(before, after, 'chat_errors_total', where='state.bus') == 1
    assert moved(before, after, 'chat_errors_total', where='tests.metrics') == 1
    caplog.clear()  # the two expected ERROR records; the `user` fixture fails a test on any left over


async def test_a_remote_client_gets_404_without_a_token_configured(user: User) -> None:
    async with client_from(REMOTE) as remote:
        assert (await remote.get('/metrics')).status_code == 404
        assert (await remote.get('/metrics', headers={'Authorization': 'Bearer anything'})).status_code == 404
    # A local proxy forwards everyone from loopback: its forwarding headers make the request not local.
    for header in ('X-Forwarded-For', 'X-Real-IP', 'Forwarded'):
        forwarded = await user.http_client.get('/metrics', headers={header: '198.51.100.7'})
        assert forwarded.status_code == 404, header
    async with client_from(('::1', 40000)) as local_v6, client_from(('::ffff:127.0.0.1', 40000)) as mapped:
        assert (await local_v6.get('/metrics')).status_code == 200
        assert (await mapped.get('/metrics')).status_code == 200


async def test_with_a_token_remote_scrapers_need_it(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('CHAT_METRICS_TOKEN', 's3cret-token')
    reset_settings_cache()
    async with client_from(REMOTE) as remote:
        missing = await remote.get('/metrics')
        assert missing.status_code == 401
        assert missing.headers['WWW-Authenticate'] == 'Bearer'
        assert (await remote.get('/metrics', headers={'Authorization': 'Bearer wrong'})).status_code == 401
        assert (await remote.get('/metrics', headers={'Authorization': 'Basic s3cret-token'})).status_code == 401
        good = await remote.get('/metrics', headers={'Authorization': 'Bearer s3cret-token'})
        assert good.status_code == 200
        assert 'chat_messages_sent_total' in good.text
    assert (await user.http_client.get('/metrics')).status_code == 200  # loopback still needs nothing


async def test_metrics_create_no_ui_client(user: User) -> None:
    from nicegui import Client

    clients = set(Client.instances)
    await scrape(user.http_client)
    assert (await user.http_client.get('/readyz')).status_code == 200
    assert set(Client.instances) == clients
