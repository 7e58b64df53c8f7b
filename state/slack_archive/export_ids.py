"""Slack-style ids in the export, the same ones our Web API shows (`api/slack/ids.py`; a test keeps them equal),
so a tool that reads the export and talks to the API sees one id per person and conversation."""

from __future__ import annotations

from db.models import ChannelKind

_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
_LETTERS = {ChannelKind.PUBLIC: 'C', ChannelKind.PRIVATE: 'G', ChannelKind.GROUP: 'G', ChannelKind.DIRECT: 'D'}


def _base36(value: int) -> str:
    digits = ''
    while value:
        value, remainder = divmod(value, 36)
        digits = _DIGITS[remainder] + digits
    return digits.rjust(8, '0')


def user_sid(user_id: int) -> str:
    return 'U' + _base36(user_id)


def channel_sid(channel_id: int, kind: str) -> str:
    return _LETTERS[ChannelKind(kind)] + _base36(channel_id)
