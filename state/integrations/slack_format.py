"""Slack's ids and markup for the outbound integrations, as the api layer defines them.

Slash-command payloads carry Slack-style ids (`C…`, `U…`, `T…`) and apps answer in Slack's markup; both live
in `api/slack/` (ids.py, mrkdwn.py), above this layer. So the api layer registers them here when it starts
(`api/commands.py: use_slack_format`), and state code asks `slack_format()` instead of importing upwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SlackFormat:
    channel_sid: Callable[[int, str], str]  # channel id, kind -> C…/G…/D…
    user_sid: Callable[[int], str]
    team_sid: Callable[[int], str]
    app_sid: Callable[[int], str]
    answer_text: Callable[[int, dict[str, Any]], str]  # workspace id, an app's JSON answer -> our markup


_registered: list[SlackFormat] = []


def register_slack_format(format_: SlackFormat) -> None:
    _registered[:] = [format_]


def slack_format() -> SlackFormat:
    if not _registered:
        raise RuntimeError('api.commands.use_slack_format() was not called: no Slack ids for integrations')
    return _registered[0]
