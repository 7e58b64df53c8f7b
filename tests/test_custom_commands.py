"""Custom slash commands: registering them, the signed payload, immediate and delayed answers, the response URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from nicegui.testing import User
from sqlmodel import col, select

from api.commands import use_slack_format
from api.slack.ids import channel_sid, team_sid, user_sid
from db.engine import read_session
from db.models import ChannelKind, CommandResponseUrl, Message, SlashCommand, utcnow
from main import cli
from state.actions.channels import archive_channel, open_direct
from state.actions.command_invocation import prepare_invocation
from state.actions.custom_commands import create_command, remove_command, workspace_commands
from state.actions.messages import send_message
from state.bus import user_topic
from state.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited
from state.events import EphemeralPosted, MessageCreated
from state.integrations import command_calls
from state.integrations.command_calls import read_reply, run_custom_command
from state.integrations.signing import is_valid_signature
from state.rate_limit import limiter
from tests.command_app import Answer, CommandApp, command_app
from tests.factories import RecordingBackend, World, update_row


@pytest.fixture(autouse=True)
def slack_format() -> None:
    use_slack_format()


def _json(data: object) -> Answer:
    return 200, 'application/json', json.dumps(data).encode()


@pytest.fixture
def deploy_app(world: World) -> Iterator[CommandApp]:
    with command_app(lambda fields: _json({'text': f'working on {fields["text"]}'})) as app:
        app.secret[0] = create_command(world.ada, world.workspace, '/deploy', app.url, 'Ship it').signing_secret
        yield app


def _ephemerals(published: RecordingBackend) -> list[tuple[str, EphemeralPosted]]:
    return published.of_type(EphemeralPosted)


# ---- registering ----------------------------------------------------------------------------------------------


def test_owners_and_admins_register_commands_members_may_not(world: World) -> None:
    made = create_command(world.ada, world.workspace, '/Deploy', 'https://ci.example.com/slash', 'Ship it')
    assert made.name == 'deploy' and len(made.signing_secret) == 32
    assert [c.name for c in workspace_commands(world.ada, world.workspace)] == ['deploy']
    with pytest.raises(Forbidden):
        create_command(world.bob, world.workspace, '/other', 'https://ci.example.com/slash')
    with pytest.raises(NotFound):
        create_command(world.eve, world.workspace, '/other', 'https://ci.example.com/slash')
    with pytest.raises(Conflict):
        create_command(world.ada, world.workspace, '/deploy', 'https://ci.example.com/slash')


@pytest.mark.parametrize('name', ['/me', '/shrug', '/TOPIC', 'invite'])
def test_a_name_that_clashes_with_a_built_in_is_refused(world: World, name: str) -> None:
    with pytest.raises(InvalidInput, match='built-in'):
        create_command(world.ada, world.workspace, name, 'https://ci.example.com/slash')


@pytest.mark.parametrize('url', ['ftp://x', 'javascript:alert(1)', 'https://', 'http://a b', ''])
def test_only_http_urls_are_taken(world: World, url: str) -> None:
    with pytest.raises(InvalidInput):
        create_command(world.ada, world.workspace, '/deploy', url)


def test_a_removed_command_stops_and_its_name_can_be_registered_again(world: World) -> None:
    first = create_command(world.ada, world.workspace, '/deploy', 'https://a.example.com/')
    remove_command(world.ada, first.id)
    assert workspace_commands(world.ada, world.workspace) == []
    assert prepare_invocation(world.ada, world.general, '/deploy now') is None
    second = create_command(world.ada, world.workspace, '/deploy', 'https://b.example.com/')
    assert second.id == first.id and second.signing_secret != first.signing_secret


def test_the_cli_prints_name_value_lines(db: None, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(['create-command', '--workspace', 'Acme', '--command', '/deploy', '--url', 'https://x.example/']) == 0
    lines = dict(line.split('=', 1) for line in capsys.readouterr().out.split())
    assert lines['command'] == '/deploy' and len(lines['signing_secret']) == 32
    with read_session() as session:
        assert session.exec(select(SlashCommand)).one().signing_secret == lines['signing_secret']


# ---- invoking -------------------------------------------------------------------------------------------------


async def test_the_payload_has_slacks_fields_and_a_valid_signature(
    world: World, deploy_app: CommandApp, published: RecordingBackend
) -> None:
    assert await run_custom_command(world.ada, world.general, '/deploy  prod now')
    request = deploy_app.last()
    fields = request.fields
    assert request.signed
    assert (
        is_valid_signature(
            deploy_app.secret[0],
            request.headers['X-Slack-Request-Timestamp'],
            json.dumps(fields).encode(),
            request.headers['X-Slack-Signature'],
        )
        is False
    )  # the signature covers the exact form body, nothing else
    assert request.headers['Content-Type'] == 'application/x-www-form-urlencoded'
    assert fields['command'] == '/deploy' and fields['text'] == 'prod now'
    assert fields['team_id'] == team_sid(world.workspace) and fields['team_domain'] == world.slug
    assert fields['channel_id'] == channel_sid(world.general, ChannelKind.PUBLIC)
    assert fields['channel_name'] == 'general'
    assert fields['user_id'] == user_sid(world.ada) and fields['user_name'] == 'Ada'
    assert fields['is_enterprise_install'] == 'false' and fields['api_app_id'].startswith('A')
    assert fields['token'] and fields['trigger_id']
    assert urlparse(fields['response_url']).path.startswith('/commands/respond/')
    with read_session() as session:  # only the hash of the response URL's secret is kept
        row = session.exec(select(CommandResponseUrl)).one()
    assert row.secret_hash not in fields['response_url']


async def test_an_immediate_json_answer_is_ephemeral_for_the_invoker_only(
    world: World, deploy_app: CommandApp, published: RecordingBackend
) -> None:
    before = len(_messages())
    await run_custom_command(world.ada, world.general, '/deploy prod')
    [(topic, event)] = _ephemerals(published)
    assert topic == user_topic(world.ada) and event.user_id == world.ada
    assert event.message.channel_id == world.general and 'working on prod' in event.message.html
    assert event.message.author_name == '/deploy'
    assert len(_messages()) == before  # never stored


async def test_an_in_channel_answer_is_a_message_of_the_commands_bot(world: World, published: RecordingBackend) -> None:
    with command_app(lambda _f: _json({'response_type': 'in_channel', 'text': '*deployed*'})) as app:
        app.secret[0] = create_command(world.ada, world.workspace, '/deploy', app.url).signing_secret
        await run_custom_command(world.ada, world.side, '/deploy')
    [(_topic, created)] = [item for item in published.of_type(MessageCreated)][-1:]
    assert created.message.body == '**deployed**' and created.message.author_name == '/deploy'
    assert created.message.channel_id == world.side
    assert not _ephemerals(published)


@pytest.mark.parametrize(
    ('answer', 'shown'),
    [
        ((200, 'text/plain', b''), None),
        ((200, 'text/plain', b'plain words'), 'plain words'),
        ((500, 'text/plain', b'oops'), '/deploy failed: the app answered HTTP 500.'),
        ((200, 'application/json', b'{not json'), '/deploy failed: the answer was not valid JSON.'),
        ((200, 'application/json', b'[1]'), '/deploy failed: the answer was not a JSON object.'),
    ],
)
async def test_immediate_answers_and_failures(
    world: World, published: RecordingBackend, answer: Answer, shown: str | None
) -> None:
    with command_app(lambda _f: answer) as app:
        app.secret[0] = create_command(world.ada, world.workspace, '/deploy', app.url).signing_secret
        await run_custom_command(world.ada, world.general, '/deploy')
    texts = [event.message.html for _t, event in _ephemerals(published)]
    assert texts == ([] if shown is None else [f'<p>{shown}</p>'])


async def test_a_slow_app_times_out_with_a_failure_for_the_invoker(
    world: World, published: RecordingBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command_calls, 'TIMEOUT_SECONDS', 0.2)
    with command_app(lambda _f: (200, 'text/plain', b'late'), delay=1.0) as app:
        app.secret[0] = create_command(world.ada, world.workspace, '/deploy', app.url).signing_secret
        await run_custom_command(world.ada, world.general, '/deploy')
    [(_topic, event)] = _ephemerals(published)
    assert 'did not answer within 0.2 seconds' in event.message.html


def test_read_reply_never_raises_on_deep_json() -> None:
    assert read_reply(200, 'application/json', b'[' * 50_000).error


async def test_a_channel_the_user_cannot_post_in_is_refused_before_any_request(
    world: World, deploy_app: CommandApp
) -> None:
    with pytest.raises(NotFound):  # carl cannot see #secret
        await run_custom_command(world.carl, world.private, '/deploy')
    with pytest.raises(Forbidden):  # bob sees #side but has not joined it
        await run_custom_command(world.bob, world.side, '/deploy')
    archive_channel(world.ada, world.side)
    with pytest.raises(Forbidden):
        await run_custom_command(world.ada, world.side, '/deploy')
    assert deploy_app.requests == []


async def test_an_unknown_command_is_not_handled(world: World, deploy_app: CommandApp) -> None:
    assert await run_custom_command(world.ada, world.general, '/nothing') is False
    assert deploy_app.requests == []


async def test_runs_are_rate_limited_like_messages(world: World, deploy_app: CommandApp) -> None:
    for _ in range(20):  # the message bucket's burst
        limiter.take('message', world.ada)
    with pytest.raises(RateLimited):
        await run_custom_command(world.ada, world.general, '/deploy')
    assert deploy_app.requests == []


async def test_an_answer_in_a_thread_stays_in_the_thread_and_a_dm_gets_it_ephemeral(
    world: World, published: RecordingBackend
) -> None:
    with command_app(lambda _f: _json({'response_type': 'in_channel', 'text': 'done'})) as app:
        app.secret[0] = create_command(world.ada, world.workspace, '/deploy', app.url).signing_secret
        root = send_message(world.ada, world.general, 'release thread', None)
        await run_custom_command(world.ada, world.general, '/deploy', root.id)
        direct = open_direct(world.ada, world.workspace, [world.bob])
        await run_custom_command(world.ada, direct.id, '/deploy')
    [(_topic, created)] = [item for item in published.of_type(MessageCreated) if item[1].message.body == 'done'][:1]
    assert created.message.thread_root_id == root.id
    [(topic, event)] = _ephemerals(published)
    assert topic == user_topic(world.ada) and event.message.channel_id == direct.id and 'done' in event.message.html


# ---- the response URL -----------------------------------------------------------------------------------------


async def _response_path(world: World, app: CommandApp) -> str:
    await run_custom_command(world.ada, world.general, '/deploy prod')
    return urlparse(app.last().fields['response_url']).path


async def test_a_delayed_in_channel_answer_posts_live_as_the_bot(
    user: User, world: World, deploy_app: CommandApp, published: RecordingBackend
) -> None:
    path = await _response_path(world, deploy_app)
    published.clear()
    text = 'deployed <@' + user_sid(world.bob) + '>'
    answer = await user.http_client.post(path, json={'response_type': 'in_channel', 'text': text})
    assert (answer.status_code, answer.json()) == (200, {'ok': True})
    [(_topic, created)] = published.of_type(MessageCreated)[:1]
    assert created.message.body == 'deployed @Bob' and created.message.author_name == '/deploy'
    ephemeral = await user.http_client.post(path, json={'text': 'only you'})
    assert ephemeral.json() == {'ok': True}
    [(topic, event)] = _ephemerals(published)
    assert topic == user_topic(world.ada) and 'only you' in event.message.html


async def test_a_response_url_takes_five_answers(user: User, world: World, deploy_app: CommandApp) -> None:
    path = await _response_path(world, deploy_app)
    codes = [(await user.http_client.post(path, json={'text': f'n{n}'})).status_code for n in range(5)]
    assert codes == [200] * 5
    sixth = await user.http_client.post(path, json={'text': 'again'})
    assert (sixth.status_code, sixth.json()) == (404, {'ok': False, 'error': 'used_url'})


async def test_a_response_url_expires_after_30_minutes(user: User, world: World, deploy_app: CommandApp) -> None:
    path = await _response_path(world, deploy_app)
    with read_session() as session:
        row = session.exec(select(CommandResponseUrl)).one()
        assert timedelta(minutes=29) < row.expires_at - utcnow() <= timedelta(minutes=30)
    update_row(CommandResponseUrl, row.id, expires_at=utcnow() - timedelta(seconds=1))
    late = await user.http_client.post(path, json={'text': 'late'})
    assert (late.status_code, late.json()) == (404, {'ok': False, 'error': 'expired_url'})


async def test_forged_and_malformed_answers(user: User, world: World, deploy_app: CommandApp) -> None:
    path = await _response_path(world, deploy_app)
    forged = await user.http_client.post(path[:-3] + 'xyz', json={'text': 'hi'})
    assert (forged.status_code, forged.json()) == (404, {'ok': False, 'error': 'no_service'})
    huge = await user.http_client.post('/commands/respond/' + 'a' * 500, json={'text': 'hi'})
    assert huge.json()['error'] == 'no_service'
    bad = await user.http_client.post(path, content=b'{nope')
    assert (bad.status_code, bad.json()['error']) == (400, 'invalid_payload')


async def test_a_removed_commands_response_url_stops(user: User, world: World, deploy_app: CommandApp) -> None:
    path = await _response_path(world, deploy_app)
    remove_command(world.ada, workspace_commands(world.ada, world.workspace)[0].id)
    gone = await user.http_client.post(path, json={'text': 'hi'})
    assert gone.json() == {'ok': False, 'error': 'no_service'}


def _messages() -> list[Message]:
    with read_session() as session:
        return list(session.exec(select(Message).order_by(col(Message.id))).all())
