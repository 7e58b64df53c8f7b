"""Malformed Web API requests answer HTTP 200 in Slack's envelope with Slack's generic error names, never a 500."""

from __future__ import annotations

import logging

import httpx
import pytest

from api.slack.registry import METHODS, Caller, Method
from tests.slack_support import ApiWorld, SlackCaller

JSON = {'Content-Type': 'application/json'}


def _error(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body['ok'] is False and 'Traceback' not in response.text
    return str(body['error'])


async def test_deeply_nested_json_is_invalid_json(api_world: ApiWorld, slack: SlackCaller) -> None:
    for depth in (100_000, 200):  # past Python's recursion limit, and merely deeper than any real call
        body = '{"text": ' + '[' * depth + ']' * depth + '}'
        response = await slack.client.post('/api/api.test', content=body, headers=JSON)
        assert _error(response) == 'invalid_json'


async def test_broken_json_is_invalid_json(api_world: ApiWorld, slack: SlackCaller) -> None:
    response = await slack.client.post('/api/auth.test', content='{"token": ', headers=JSON)
    assert _error(response) == 'invalid_json'


async def test_lone_surrogates_are_invalid_charset(api_world: ApiWorld, slack: SlackCaller) -> None:
    headers = {**JSON, 'Authorization': f'Bearer {api_world.ada_token}'}
    bodies = [
        '{"token": "\\ud800"}',
        f'{{"channel": "{api_world.general}", "text": "hi \\udfff"}}',
        '{"\\ud800": 1}',
        '{"blocks": [{"x": ["\\ud83d"]}]}',
    ]
    for body in bodies:
        response = await slack.client.post('/api/chat.postMessage', content=body, headers=headers)
        assert _error(response) == 'invalid_charset', body
    response = await slack.client.post('/api/api.test', content=b'{"a": "\xff"}', headers=JSON)
    assert _error(response) == 'invalid_charset'
    form = {'Content-Type': 'application/x-www-form-urlencoded'}
    response = await slack.client.post('/api/api.test', content=b'a=\xff', headers=form)
    assert _error(response) == 'invalid_charset'


async def test_multipart_with_a_file_is_invalid_form_data(api_world: ApiWorld, slack: SlackCaller) -> None:
    response = await slack.client.post(
        '/api/api.test', data={'a': 'b'}, files={'file': ('x.txt', b'hello', 'text/plain')}
    )
    assert _error(response) == 'invalid_form_data'


async def test_a_multipart_body_past_the_cap_is_refused_before_it_is_parsed(
    api_world: ApiWorld, slack: SlackCaller
) -> None:
    fields = {f'f{index}': 'x' * 1200 for index in range(900)}  # 1.08 MB, within Starlette's field count
    response = await slack.client.post('/api/api.test', files={**{k: (None, v) for k, v in fields.items()}})
    assert _error(response) == 'invalid_arguments'
    small = await slack.client.post('/api/api.test', files={'a': (None, 'b')})
    assert small.json() == {'ok': True, 'args': {'a': 'b'}}


async def test_an_unexpected_exception_is_internal_error_logged_once(
    api_world: ApiWorld, slack: SlackCaller, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(caller: Caller, args: object) -> dict[str, object]:
        raise RuntimeError('secret detail')

    spec = METHODS['api.test']
    monkeypatch.setitem(METHODS, 'api.test', Method(spec.name, spec.args, boom, spec.needs_token))
    with caplog.at_level(logging.ERROR):
        response = await slack.raw('api.test', None)
    assert _error(response) == 'internal_error'
    assert 'secret' not in response.text
    failures = [r for r in caplog.records if r.exc_info]
    assert len(failures) == 1 and 'secret detail' in str(failures[0].exc_info[1] if failures[0].exc_info else '')
    caplog.clear()  # the expected ERROR record; the `user` fixture fails a test on any left over
