"""Managing an app after it exists: url_verification of its events URL, changing the URL, its delivery log."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from state.actions.app_delivery_log import app_delivery_log
from state.actions.app_events_url import set_events_url, verify_events_url
from state.actions.apps import create_app, workspace_apps
from state.actions.messages import send_message
from state.errors import Forbidden, InvalidInput, NotFound
from state.integrations.signing import is_valid_signature, verification_token
from tests.events_support import RecordingTransport, deliver
from tests.factories import World


class _Challenged(BaseHTTPRequestHandler):
    """Answers url_verification as Bolt does (the challenge as JSON), after checking the signature."""

    secret = ''

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers['Content-Length']))
        signed = is_valid_signature(
            type(self).secret, self.headers['X-Slack-Request-Timestamp'], body, self.headers['X-Slack-Signature']
        )
        answer = json.dumps({'challenge': json.loads(body)['challenge']}).encode() if signed else b'{}'
        self.send_response(200 if signed else 401)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def challenged() -> Iterator[tuple[str, type[_Challenged]]]:
    handler = type('Handler', (_Challenged,), {})
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{server.server_address[1]}/slack/events', handler
    server.shutdown()
    server.server_close()


def test_an_events_url_that_answers_the_signed_challenge_is_verified(
    world: World, challenged: tuple[str, type[_Challenged]]
) -> None:
    url, handler = challenged
    made = create_app(world.ada, world.workspace, 'Helper', events_url=url)
    handler.secret = made.signing_secret
    assert workspace_apps(world.ada, world.workspace)[0].url_verified is None
    assert verify_events_url(made.id) is True
    assert workspace_apps(world.ada, world.workspace)[0].url_verified is True
    handler.secret = 'another secret'  # it no longer trusts our signature
    assert verify_events_url(made.id) is False
    assert workspace_apps(world.ada, world.workspace)[0].url_verified is False


def test_a_wrong_answer_or_no_url_is_not_verified(world: World) -> None:
    seen: list[dict[str, object]] = []

    def wrong(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={'challenge': 'something else'})

    made = create_app(world.ada, world.workspace, 'Helper', events_url='https://bot.example/events')
    assert verify_events_url(made.id, httpx.Client(transport=httpx.MockTransport(wrong))) is False
    assert seen[0]['type'] == 'url_verification' and seen[0]['token'] == verification_token(made.signing_secret)
    quiet = create_app(world.ada, world.workspace, 'Quiet')
    assert verify_events_url(quiet.id) is None


def test_owners_and_admins_change_the_events_url_and_it_is_verified_again(
    world: World, challenged: tuple[str, type[_Challenged]]
) -> None:
    url, handler = challenged
    made = create_app(world.ada, world.workspace, 'Helper')
    handler.secret = made.signing_secret
    assert set_events_url(world.ada, made.id, url) is True
    assert workspace_apps(world.ada, world.workspace)[0].events_url == url
    with pytest.raises(Forbidden):
        set_events_url(world.bob, made.id, 'https://evil.example/')
    with pytest.raises(NotFound):
        set_events_url(world.eve, made.id, 'https://evil.example/')
    with pytest.raises(InvalidInput):
        set_events_url(world.ada, made.id, 'ftp://nope')
    assert workspace_apps(world.ada, world.workspace)[0].events_url == url


async def test_the_delivery_log_shows_the_newest_deliveries_to_admins_only(world: World) -> None:
    made = create_app(world.ada, world.workspace, 'Helper', events_url='http://127.0.0.1:9/', event_types=('message',))
    send_message(world.bob, world.general, 'logged', 'c-1')
    await deliver(RecordingTransport())
    [entry] = app_delivery_log(world.ada, made.id)
    assert (entry.event_type, entry.status, entry.attempts, entry.last_error) == ('message', 'delivered', 1, '')
    with pytest.raises(Forbidden):
        app_delivery_log(world.bob, made.id)
    with pytest.raises(NotFound):
        app_delivery_log(world.eve, made.id)
    with pytest.raises(NotFound):
        app_delivery_log(world.ada, 10**12)
