"""Our message source -> Slack's markup, for the export (the import reads it back with `slack_markup.translate`).

Mentions of the people a message notified become `<@U…>`, `#name` of a known channel `<#C…|name>`, `**bold**`
and `~~strike~~` Slack's `*bold*` and `~strike~` (outside code), and `&`, `<`, `>` are escaped as Slack does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_BOLD = re.compile(r'\*\*(?=\S)([^*\n]{1,2000}?)(?<=\S)\*\*')
_STRIKE = re.compile(r'~~(?=\S)([^~\n]{1,2000}?)(?<=\S)~~')
_CHANNEL = re.compile(r'(?<![\w&#/])#([a-z0-9_-]{1,80})(?![\w-])')


def to_slack(body: str, mentioned: Mapping[str, str], channels: Mapping[str, str]) -> str:
    """`mentioned`: display name -> Slack user id; `channels`: channel name -> Slack channel id."""
    pieces = _escape(body).split('`')
    for index in range(0, len(pieces), 2):  # the odd pieces are code: they stay as written
        pieces[index] = _prose(pieces[index], mentioned, channels)
    return '`'.join(pieces)


def _prose(text: str, mentioned: Mapping[str, str], channels: Mapping[str, str]) -> str:
    text = _STRIKE.sub(r'~\1~', _BOLD.sub(r'*\1*', text))
    for name in sorted(mentioned, key=len, reverse=True):  # "@Ada Lovelace" before "@Ada"
        text = re.sub(rf'(?<![\w@])@{re.escape(name)}(?![\w])', f'<@{mentioned[name]}>', text)

    def channel(match: re.Match[str]) -> str:
        sid = channels.get(match.group(1))
        return f'<#{sid}|{match.group(1)}>' if sid else match.group(0)

    return _CHANNEL.sub(channel, text)


def _escape(text: str) -> str:
    return text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
