"""Incoming webhooks: who may make one, what a post becomes, and Slack's answers for everything else."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import httpx
import pytest
from nicegui.testing import User
from sqlmodel import col, select

from api.slack.ids import ts_of, user_sid
from api.slack.mrkdwn import attachments_text, blocks_text, to_markup
from db.engine import read_session
from db.models import IncomingWebhook, Mention, Message
from db.models import User as Account
from main import cli
from state.actions.channels import archive_channel, open_direct
from state.actions.messages import send_message
from state.actions.webhooks import channel_webhooks, create_webhook, remove_webhook
from state.bus import channel_topic, user_topic
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import MessageCreated
from tests.factories import RecordingBackend, World, count_rows, make_user

# ---- making and removing ------------------------------------------------------------------------------------


def test_an_owner_makes_a_webhook_whose_bot_joins_the_channel(world: World) -> None:
    made = create_webhook(world.ada, world.side, 'Deploys')
    assert len(made.secret) >= 43
    with read_session() as session:
        hook = session.exec(select(IncomingWebhook)).one()
        bot = session.get(Account, hook.bot_user_id)
    assert hook.secret_hash != made.secret and made.secret not in hook.secret_hash  # only a hash is kept
    assert bot is not None and bot.display_name == 'Deploys' and bot.password_hash == '!'
    assert [w.name for w in channel_webhooks(world.ada, world.side)] == ['Deploys']


def test_only_owners_and_admins_of_a_readable_channel_make_webhooks(world: World) -> None:
    with pytest.raises(Forbidden):
        create_webhook(world.bob, world.general, 'Mine')  # a member, not an admin
    with pytest.raises(NotFound):
        create_webhook(world.eve, world.general, 'Theirs')  # another workspace
    with pytest.raises(Forbidden):
        channel_webhooks(world.bob, world.general)
    assert count_rows(IncomingWebhook) == 0


def test_webhooks_post_into_channels_only_and_not_into_archived_ones(world: World) -> None:
    dm = open_direct(world.ada, world.workspace, [world.bob])
    with pytest.raises(InvalidInput):
        create_webhook(world.ada, dm.id, 'Into a DM')
    archive_channel(world.ada, world.side)
    with pytest.raises(Forbidden):
        create_webhook(world.ada, world.side, 'Into the archive')
    assert count_rows(IncomingWebhook) == 0


def test_removing_a_webhook_is_for_admins_and_harmless_twice(world: World) -> None:
    made = create_webhook(world.ada, world.general, 'Deploys')
    with pytest.raises(Forbidden):
        remove_webhook(world.bob, made.id)
    with pytest.raises(NotFound):
        remove_webhook(world.eve, made.id)
    remove_webhook(world.ada, made.id)
    remove_webhook(world.ada, made.id)
    assert channel_webhooks(world.ada, world.general) == []


def test_the_cli_prints_the_url_as_the_last_word(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(['create-webhook', '--workspace', world.slug, '--channel', '#side', '--name', 'CI']) == 0
    url = capsys.readouterr().out.split()[-1]
    assert urlparse(url).path.startswith('/hooks/') and url.startswith('http://')
    assert cli(['create-webhook', '--workspace', world.slug, '--channel', 'nowhere', '--name', 'CI']) == 1
    assert 'no channel #nowhere' in capsys.readouterr().err


# ---- posting over HTTP --------------------------------------------------------------------------------------


async def _post(client: httpx.AsyncClient, secret: str, payload: object, **kwargs: object) -> httpx.Response:
    return await client.post(f'/hooks/{secret}', content=json.dumps(payload), **kwargs)  # type: ignore[arg-type]


async def test_a_post_becomes_the_bots_message_live_with_slack_markup_translated(
    user: User, world: World, published: RecordingBackend
) -> None:
    made = create_webhook(world.ada, world.general, 'Deploys')
    published.clear()
    text = 'Deployed &lt;v2&gt; for <@' + user_sid(world.bob) + '>: <https://ci.example.com/1|build 1> <!here>'
    answer = await _post(user.http_client, made.secret, {'text': text, 'username': 'ignored', 'icon_emoji': ':x:'})
    assert (answer.status_code, answer.text) == (200, 'ok')
    with read_session() as session:
        message = session.exec(select(Message).order_by(col(Message.id).desc())).first()
        mentioned = session.exec(select(Mention.user_id).where(Mention.message_id == (message.id if message else 0)))
        mentioned_ids = list(mentioned.all())
    assert message is not None and message.channel_id == world.general
    assert message.body == 'Deployed <v2> for @Bob: build 1 (https://ci.example.com/1) @here'
    assert mentioned_ids == [world.bob] and message.mentions_all
    assert (channel_topic(world.general), 'message.created') in published.types()
    assert (user_topic(world.bob), 'message.created') in published.types()  # Bob is notified
    created = published.of_type(MessageCreated)[0][1]
    assert created.message.author_name == 'Deploys'


async def test_blocks_attachments_threads_and_form_payloads(user: User, world: World) -> None:
    made = create_webhook(world.ada, world.general, 'Deploys')
    root = send_message(world.ada, world.general, 'release thread', None)
    blocks = [
        {'type': 'header', 'text': {'type': 'plain_text', 'text': 'Release 2.0'}},
        {
            'type': 'section',
            'text': {'type': 'mrkdwn', 'text': 'All *green*'},
            'fields': [{'type': 'mrkdwn', 'text': 'eu'}],
        },
        {'type': 'divider'},
    ]
    assert (await _post(user.http_client, made.secret, {'blocks': blocks, 'text': 'fallback'})).text == 'ok'
    legacy = {
        'attachments': [{'fallback': 'only the fallback'}, {'title': 'Build', 'fields': [{'title': 'a', 'value': '1'}]}]
    }
    assert (await _post(user.http_client, made.secret, legacy)).text == 'ok'
    reply = {'text': 'in the thread', 'thread_ts': ts_of(root.ts_us)}
    assert (await _post(user.http_client, made.secret, reply)).text == 'ok'
    form = {'payload': json.dumps({'text': 'as a form'})}
    assert (await user.http_client.post(f'/hooks/{made.secret}', data=form)).text == 'ok'
    with read_session() as session:
        rows = session.exec(select(Message.body, Message.thread_root_id).order_by(col(Message.id))).all()
    assert [tuple(row) for row in rows[1:]] == [
        ('Release 2.0\nAll **green**\neu', None),
        ('only the fallback\nBuild\na: 1', None),
        ('in the thread', root.id),
        ('as a form', None),
    ]


async def test_refusals_answer_slacks_codes_and_post_nothing(user: User, world: World) -> None:
    made = create_webhook(world.ada, world.side, 'Deploys')
    client = user.http_client
    cases = [
        (await client.post(f'/hooks/{made.secret}', content='{"text": '), 400, 'invalid_payload'),
        (await client.post(f'/hooks/{made.secret}', content='[1, 2]'), 400, 'invalid_payload'),
        (await _post(client, made.secret, {'text': '   '}), 400, 'no_text'),
        (await _post(client, made.secret, {'text': 'x' * 5000}), 400, 'invalid_payload'),
        (await _post(client, made.secret, {'text': 'hi', 'thread_ts': 'not a ts'}), 404, 'channel_not_found'),
        (await _post(client, made.secret, {'text': 'hi', 'thread_ts': ts_of(10**15)}), 404, 'channel_not_found'),
        (await _post(client, 'forged-secret', {'text': 'hi'}), 404, 'no_service'),
        (await _post(client, 'x' * 5000, {'text': 'hi'}), 404, 'no_service'),
    ]
    assert [(r.status_code, r.text) for r, _, _ in cases] == [(status, code) for _, status, code in cases]
    archive_channel(world.ada, world.side)
    archived = await _post(client, made.secret, {'text': 'hi'})
    assert (archived.status_code, archived.text) == (410, 'channel_is_archived')
    remove_webhook(world.ada, made.id)
    gone = await _post(client, made.secret, {'text': 'hi'})
    assert (gone.status_code, gone.text) == (404, 'no_service')
    assert count_rows(Message) == 0


async def test_a_flood_is_rate_limited_with_retry_after(user: User, world: World) -> None:
    made = create_webhook(world.ada, world.general, 'Chatty')
    answers = [(await _post(user.http_client, made.secret, {'text': f'n{n}'})).status_code for n in range(25)]
    assert answers[:20] == [200] * 20 and 429 in answers[20:]
    limited = await _post(user.http_client, made.secret, {'text': 'again'})
    assert limited.status_code == 429 and int(limited.headers['Retry-After']) >= 1


# ---- Slack markup -------------------------------------------------------------------------------------------


def test_slack_markup_turns_into_ours() -> None:
    names = {7: 'Ada Lovelace'}
    assert to_markup('hi <@U7> and <@U8|someone>', names.get) == 'hi @Ada Lovelace and someone'
    assert to_markup('<#C12|general> <!channel> <!everyone> <!date^1|yesterday>', names.get) == (
        '#general @channel @everyone yesterday'
    )
    assert to_markup('<https://a.example|A> <https://b.example> <mailto:x@y.z|mail>', names.get) == (
        'A (https://a.example) https://b.example mail (mailto:x@y.z)'
    )
    assert (
        to_markup('a &lt;b&gt; &amp;amp; <javascript:alert(1)|x>', names.get) == 'a <b> &amp; <javascript:alert(1)|x>'
    )
    rich = [{'type': 'rich_text', 'elements': [{'type': 'rich_text_section', 'elements': [
        {'type': 'text', 'text': 'ping '}, {'type': 'user', 'user_id': 'U7'}, {'type': 'emoji', 'name': 'tada'},
    ]}]}]  # fmt: skip
    assert to_markup(blocks_text(rich), names.get) == 'ping @Ada Lovelace:tada:'
    assert blocks_text('not a list') == '' and attachments_text([1, None, {'fallback': 'f'}]) == 'f'


async def test_people_of_another_workspace_are_not_named(user: User, world: World) -> None:
    made = create_webhook(world.ada, world.general, 'Deploys')
    stranger = make_user('Mallory')
    assert stranger.id is not None
    assert (await _post(user.http_client, made.secret, {'text': f'hi <@{user_sid(stranger.id)}>'})).text == 'ok'
    with read_session() as session:
        body = session.exec(select(Message.body)).one()
    assert body == 'hi @unknown' and count_rows(Mention) == 0
