"""Structured logs: JSON lines that parse and carry the context, the text default, the level, the access log
with its secrets redacted, errors logged once with their context, and the context of bus and socket events."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from hardening import log_context, socket_events
from hardening.access_log import AccessLogMiddleware
from hardening.log_setup import configure
from hardening.redaction import REDACTED, redact_url
from settings import Settings
from state.bus import Bus
from state.error_log import ErrorRing
from state.event_rate import EventRate
from state.events import TypingChanged

SECRET = 'Zq8v' * 11  # shaped like our 43-character random tokens


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """Our handler on the root logger, writing to a buffer (the logging of the process is restored after)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    out = io.StringIO()
    yield out
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    log_context.set_node('')


def json_lines(out: io.StringIO) -> list[dict[str, Any]]:
    """Our lines (httpx, the test client, logs its requests too)."""
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return [line for line in lines if line['logger'].startswith('teamchat.')]


def test_json_lines_parse_and_carry_the_context(stream: io.StringIO) -> None:
    configure('json', 'INFO', 'node-a', stream)
    with log_context.scope(request_id='r1', user=7, workspace='acme', topic='channel:3', event='message_new'):
        logging.getLogger('teamchat.test').info('delivered %d', 2)
    logging.getLogger('teamchat.test').warning('outside')
    first, second = json_lines(stream)
    assert first['message'] == 'delivered 2' and first['level'] == 'INFO' and first['logger'] == 'teamchat.test'
    assert {k: first[k] for k in ('request_id', 'user', 'workspace', 'node', 'topic', 'event')} == {
        'request_id': 'r1',
        'user': 7,
        'workspace': 'acme',
        'node': 'node-a',
        'topic': 'channel:3',
        'event': 'message_new',
    }
    assert 'time' in first and 'context' not in first
    assert second['node'] == 'node-a' and 'request_id' not in second  # the scope ended with its block


def test_text_is_the_default_and_reads_as_key_value_pairs(stream: io.StringIO) -> None:
    settings = Settings()
    assert settings.log_format == 'text' and settings.log_level == 'INFO'
    configure(settings.log_format, settings.log_level, 'node-b', stream)
    with log_context.scope(request_id='r2', user=3):
        logging.getLogger('teamchat.test').info('hello')
    line = stream.getvalue().strip()
    assert 'INFO' in line and 'teamchat.test: hello' in line and 'node=node-b request_id=r2 user=3' in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_the_level_setting_drops_what_is_below_it(stream: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('CHAT_LOG_LEVEL', 'warning')
    monkeypatch.setenv('CHAT_LOG_FORMAT', 'json')
    settings = Settings()
    assert settings.log_level == 'WARNING'
    configure(settings.log_format, settings.log_level, 'n', stream)
    logging.getLogger('teamchat.test').info('dropped')
    logging.getLogger('teamchat.test').warning('kept')
    assert [line['message'] for line in json_lines(stream)] == ['kept']


def test_an_unknown_format_or_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('CHAT_LOG_FORMAT', 'xml')
    with pytest.raises(ValueError):
        Settings()


def test_secrets_inside_messages_and_tracebacks_are_cut(stream: io.StringIO) -> None:
    configure('json', 'INFO', 'n', stream)
    log = logging.getLogger('teamchat.test')
    log.info('calling https://example.com/hooks/%s?token=xoxb-%s', SECRET, SECRET)
    try:
        raise RuntimeError(f'Authorization: Bearer {SECRET}')
    except RuntimeError:
        log.exception('the call failed')
    assert SECRET not in stream.getvalue()
    first, second = json_lines(stream)
    assert REDACTED in first['message'] and REDACTED in second['exc_info']


def test_urls_lose_their_secret_parts() -> None:
    assert redact_url('/hooks/abc', 'x=1') == f'/hooks/{REDACTED}?x=1'
    assert redact_url('/socket-mode/tkt') == f'/socket-mode/{REDACTED}'
    assert redact_url('/commands/respond/s3cret/more') == f'/commands/respond/{REDACTED}/more'
    assert redact_url('/join/inv') == f'/join/{REDACTED}'
    assert redact_url('/api/chat.postMessage', 'token=xoxb-1&channel=C1') == (
        f'/api/chat.postMessage?token={REDACTED}&channel=C1'
    )
    assert redact_url('/auth/complete', 'ticket=t&next=%2Fw%2Fa') == f'/auth/complete?ticket={REDACTED}&next=%2Fw%2Fa'
    assert redact_url('/x', 'client_secret=1&Access_Token=2') == f'/x?client_secret={REDACTED}&Access_Token={REDACTED}'
    assert redact_url('/w/acme') == '/w/acme'


async def _ok(request: Request) -> PlainTextResponse:
    log_context.bind(user=42, workspace='acme')  # what a page build does
    logging.getLogger('teamchat.test').info('inside the route')
    return PlainTextResponse('ok')


async def _boom(request: Request) -> PlainTextResponse:
    raise RuntimeError(f'database said no to {SECRET}')


def _asgi_client() -> httpx.AsyncClient:
    app = Starlette(routes=[Route('/hooks/{secret}', _ok, methods=['POST']), Route('/boom', _boom)])
    wrapped = AccessLogMiddleware(app)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped), base_url='http://test')


async def test_the_access_log_redacts_tokens_and_names_request_and_user(stream: io.StringIO) -> None:
    configure('json', 'INFO', 'n', stream)
    async with _asgi_client() as client:
        response = await client.post(
            f'/hooks/{SECRET}?token={SECRET}&ok=1',
            headers={'Authorization': f'Bearer {SECRET}', 'Cookie': f'session={SECRET}', 'X-Request-ID': 'given-1'},
        )
    assert response.status_code == 200 and response.headers['x-request-id'] == 'given-1'
    assert SECRET not in stream.getvalue()
    inside, access = json_lines(stream)
    assert inside['request_id'] == access['request_id'] == 'given-1'
    assert access['logger'] == 'teamchat.access'
    assert access['http_path'] == f'/hooks/{REDACTED}?token={REDACTED}&ok=1'
    assert access['http_status'] == 200 and access['http_method'] == 'POST'
    assert access['user'] == 42 and access['workspace'] == 'acme'  # named by the route, deeper in the request


async def test_a_request_id_is_made_when_none_or_a_forged_one_comes(stream: io.StringIO) -> None:
    configure('json', 'INFO', 'n', stream)
    async with _asgi_client() as client:
        response = await client.post('/hooks/x', headers={'X-Request-ID': 'no\nnewlines please'})
    made = response.headers['x-request-id']
    assert made and made != 'no\nnewlines please'
    assert json_lines(stream)[-1]['request_id'] == made


async def test_an_escaping_error_is_logged_once_with_its_context_and_answered_500(stream: io.StringIO) -> None:
    configure('json', 'INFO', 'n', stream)
    async with _asgi_client() as client:
        response = await client.get('/boom')
    assert response.status_code == 500 and response.text == 'Internal Server Error'
    assert SECRET not in response.text and SECRET not in stream.getvalue()
    lines = json_lines(stream)
    errors = [line for line in lines if line['level'] == 'ERROR']
    assert len(errors) == 1 and 'RuntimeError' in errors[0]['exc_info']
    assert errors[0]['request_id'] == lines[-1]['request_id'] and lines[-1]['http_status'] == 500


async def test_bus_subscribers_log_with_the_topic_and_event_kind(stream: io.StringIO) -> None:
    configure('json', 'INFO', 'n', stream)
    bus = Bus()
    await bus.start()
    bus.subscribe('typing:5', lambda event: logging.getLogger('teamchat.test').info('got it'), detached=True)
    bus.publish('typing:5', TypingChanged(channel_id=5, user_id=1, user_name='Ada', typing=True))
    await bus.stop()
    (line,) = json_lines(stream)
    assert line['topic'] == 'typing:5' and line['event'] == 'typing.changed'


def test_socket_events_run_in_a_scope_naming_their_tab(stream: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    configure('json', 'INFO', 'n', stream)
    seen: list[str] = []
    monkeypatch.setattr(socket_events, '_listeners', [seen.append])
    monkeypatch.setattr(socket_events, '_context_of', [lambda client_id: (9, 'acme') if client_id == 'c1' else None])

    def nicegui_handler(sid: str, msg: Any) -> None:
        logging.getLogger('teamchat.test').info('clicked')

    socket_events._in_log_scope(nicegui_handler)('sid', {'client_id': 'c1'})
    socket_events._in_log_scope(nicegui_handler)('sid', {'client_id': 'c2'})
    first, second = json_lines(stream)
    assert (first['client'], first['user'], first['workspace']) == ('c1', 9, 'acme')
    assert second['client'] == 'c2' and 'user' not in second
    assert seen == ['c1', 'c2']


def test_the_error_ring_keeps_the_newest_errors_with_their_context() -> None:
    ring = ErrorRing(kept=2)
    log = logging.getLogger('teamchat.ring')
    log.addHandler(ring)
    try:
        with log_context.scope(request_id='r9'):
            for n in range(3):
                log.error('failure %d with token=%s', n, SECRET)
        log.warning('not an error')
    finally:
        log.removeHandler(ring)
    newest, older = ring.newest_first()
    assert (newest.message, older.message) == (f'failure 2 with token={REDACTED}', f'failure 1 with token={REDACTED}')
    assert 'request_id=r9' in newest.context


def test_the_event_rate_is_per_second_over_the_last_minute() -> None:
    now = [1000.0]
    rate = EventRate(clock=lambda: now[0])
    rate.count(30)
    now[0] += 10
    rate.count(30)
    assert rate.per_second() == 1.0
    now[0] += 55  # the first thirty left the window
    assert rate.per_second() == 0.5
    now[0] += 600
    assert rate.per_second() == 0.0
