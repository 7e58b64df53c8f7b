"""Fuzz every Web API method with arbitrary arguments, as JSON and as form: never a 5xx, always Slack's envelope."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.slack.registry import METHODS
from tests.slack_support import ApiWorld, SlackCaller

NAMES = ['channel', 'text', 'ts', 'thread_ts', 'limit', 'cursor', 'user', 'users', 'name', 'types', 'latest',
         'oldest', 'inclusive', 'timestamp', 'token', 'is_private', 'reply_broadcast', 'error']  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)  # includes lone surrogates
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
ARGS = st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=8), VALUES, max_size=5)


def _draw(count: int) -> list[dict[str, Any]]:
    """Hypothesis draws the cases synchronously; the test then sends them on its own event loop."""
    cases: list[dict[str, Any]] = []

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(ARGS)
    def collect(args: dict[str, Any]) -> None:
        cases.append(args)

    collect()
    return cases


def _form(args: dict[str, Any]) -> bytes:
    pairs = [
        (str(k).encode('utf-8', 'surrogatepass'), str(v).encode('utf-8', 'surrogatepass')) for k, v in args.items()
    ]
    return urlencode(pairs).encode('ascii')


async def test_no_method_answers_a_5xx_or_a_traceback(api_world: ApiWorld, slack: SlackCaller) -> None:
    headers = {'Authorization': f'Bearer {api_world.ada_token}'}
    cases = _draw(20)  # x every method x JSON and form: a few seconds
    for name in METHODS:
        for args in cases:
            as_json = await slack.client.post(
                f'/api/{name}', content=json.dumps(args), headers={**headers, 'Content-Type': 'application/json'}
            )
            as_form = await slack.client.post(
                f'/api/{name}',
                content=_form(args),
                headers={**headers, 'Content-Type': 'application/x-www-form-urlencoded'},
            )
            for response in (as_json, as_form):
                assert response.status_code < 500, (name, args, response.text)
                body = response.json()
                assert isinstance(body.get('ok'), bool), (name, args, body)
                assert 'Traceback' not in response.text
                if response.status_code == 200 and body['ok'] is False:
                    assert body['error'] != 'internal_error', (name, args)
