"""A pytest plugin for slack_sdk's own integration tests: every Web API client talks to our server instead.

`SLACK_SDK_SUITE_BASE_URL` (e.g. `http://127.0.0.1:8123/api/`) replaces Slack's `https://slack.com/api/` as
the clients' default; nothing else in the tests changes.
"""

from __future__ import annotations

import os

from slack_sdk.web.async_base_client import AsyncBaseClient
from slack_sdk.web.base_client import BaseClient
from slack_sdk.web.legacy_base_client import LegacyBaseClient

_SLACK = 'https://slack.com/api/'
_BASE_URL = os.environ['SLACK_SDK_SUITE_BASE_URL']
for _client in (BaseClient, AsyncBaseClient, LegacyBaseClient):
    _client.BASE_URL = _BASE_URL
    # `base_url=BASE_URL` is a default argument, fixed when the class was defined: replace it there too.
    _init = _client.__init__
    _init.__defaults__ = tuple(_BASE_URL if d == _SLACK else d for d in _init.__defaults__ or ())
