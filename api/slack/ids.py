"""Slack-style ids and message timestamps, reversibly encoded from our integer ids.

- Conversations, people and workspaces: a kind letter and the integer id in upper-case base 36, padded to 8
  digits (`C0000002S`, like Slack's `C024BE91L`). Letters: `C` public channel, `G` private channel or group DM,
  `D` direct message, `U` user, `B` bot (auth.test's bot_id of a bot user; same number as its `U` id),
  `T` workspace, `A` app, `Ev` an Events API delivery. Decoding reads the number; the letter only has to be
  one of its kind's family, so a forged id simply names an id that does not exist (or is not visible):
  "not found", never an error.
- Message `ts`: Slack bots thread, edit and react by `ts`, compare them as numbers and page with them. Ours is,
  as Slack's, the send time: `Message.ts_us` (microseconds since the epoch, unique and increasing per channel,
  set by the send action) written as seconds "." microseconds (`1733150000.123456`). A `ts` names a message
  only together with its channel (api/slack/lookup.py).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from db.models import MAX_ID, ChannelKind, fits_id

ID_DIGITS = 8
_MICRO = 1_000_000
_ID_BODY = re.compile(r'[0-9A-Za-z]{1,13}')
_TS = re.compile(r'(\d{1,19})\.(\d{6})')
_BOUND = re.compile(r'\d{1,19}(\.\d{0,20})?')

CHANNEL_LETTERS = {
    ChannelKind.PUBLIC: 'C',
    ChannelKind.PRIVATE: 'G',
    ChannelKind.GROUP: 'G',
    ChannelKind.DIRECT: 'D',
}
CONVERSATION_PREFIXES = frozenset('CGD')


def _base36(value: int) -> str:
    digits = ''
    while value:
        value, remainder = divmod(value, 36)
        digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[remainder] + digits
    return digits.rjust(ID_DIGITS, '0')


def _decode(value: object, prefixes: frozenset[str]) -> int | None:
    if not isinstance(value, str) or len(value) < 2 or value[0].upper() not in prefixes:
        return None
    body = value[1:]
    if not _ID_BODY.fullmatch(body):
        return None
    number = int(body, 36)
    return number if fits_id(number) else None


def channel_sid(channel_id: int, kind: str) -> str:
    return CHANNEL_LETTERS.get(ChannelKind(kind), 'C') + _base36(channel_id)


def channel_id_of(sid: object) -> int | None:
    """Our channel id for a `C…`/`G…`/`D…` id, or None when it cannot be one."""
    return _decode(sid, CONVERSATION_PREFIXES)


def user_sid(user_id: int) -> str:
    return 'U' + _base36(user_id)


def bot_sid(user_id: int) -> str:
    return 'B' + _base36(user_id)


def user_id_of(sid: object) -> int | None:
    """Our user id for a `U…` (or `W…`, Slack's enterprise user prefix) id, or None."""
    return _decode(sid, frozenset('UW'))


def team_sid(workspace_id: int) -> str:
    return 'T' + _base36(workspace_id)


def ts_of(ts_us: int) -> str:
    """A message's `ts` from its `ts_us`: seconds, a dot, six digits of microseconds."""
    whole, fraction = divmod(ts_us, _MICRO)
    return f'{whole}.{fraction:06d}'


def app_id_of(sid: object) -> int | None:
    """Our app id for an `A…` id, or None."""
    return _decode(sid, frozenset('A'))


def app_sid(app_id: int) -> str:
    return 'A' + _base36(app_id)


def event_sid(delivery_id: int) -> str:
    """An Events API `event_id` (`Ev…`): one per delivery, the same on every retry of it."""
    return 'Ev' + _base36(delivery_id)


def ts_us_of(ts: object) -> int | None:
    """The `ts_us` an exact `ts` names (`1733150000.123456`), or None when it cannot be a message's."""
    if not isinstance(ts, str):
        return None
    match = _TS.fullmatch(ts.strip())
    if match is None:
        return None
    value = int(match.group(1)) * _MICRO + int(match.group(2))
    return value if fits_id(value) else None


def time_bound(ts: object) -> int | None:
    """A `latest`/`oldest` bound (a time, any number of decimals) in microseconds, clamped to the id range;
    None when malformed. `0` (Slack's default oldest) is 0."""
    if isinstance(ts, int | float) and not isinstance(ts, bool):
        ts = repr(ts)
    if not isinstance(ts, str) or not _BOUND.fullmatch(ts.strip()):
        return None
    try:
        value = Decimal(ts.strip())
    except InvalidOperation:
        return None
    return min(max(int(value * _MICRO), 0), MAX_ID)
