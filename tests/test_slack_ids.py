"""Slack-style ids and ts: ids reversible, `ts` the send time in Slack's format, forged values simply not ids."""

from __future__ import annotations

import pytest

from api.slack.ids import (
    app_id_of,
    app_sid,
    bot_sid,
    channel_id_of,
    channel_sid,
    team_sid,
    time_bound,
    ts_of,
    ts_us_of,
    user_id_of,
    user_sid,
)
from api.slack.permalinks import slack_permalink, ts_us_of_p
from db.models import MAX_ID


def test_ids_round_trip_and_look_like_slack_ids() -> None:
    assert channel_sid(1, 'public') == 'C00000001'
    assert channel_sid(36, 'private') == 'G00000010'
    assert channel_sid(35, 'direct') == 'D0000000Z'
    assert channel_sid(7, 'group').startswith('G')
    assert (user_sid(42), bot_sid(42), team_sid(3)) == ('U00000016', 'B00000016', 'T00000003')
    for value in (1, 35, 36, 10**9, MAX_ID):
        assert channel_id_of(channel_sid(value, 'public')) == value
        assert user_id_of(user_sid(value)) == value
        assert app_id_of(app_sid(value)) == value


@pytest.mark.parametrize('forged', ['', 'A', 'B00000001', 'U00000001', 'A0000-001', 'A00000000', None, 7])
def test_forged_app_ids_are_not_ids(forged: object) -> None:
    assert app_sid(1) == 'A00000001'
    assert app_id_of(forged) is None


@pytest.mark.parametrize('forged', ['', 'C', 'X00000001', 'C0000-001', 'C' + 'Z' * 13, 'C00000000', 'U00000001', 7])
def test_forged_channel_ids_are_not_ids(forged: object) -> None:
    assert channel_id_of(forged) is None


def test_ts_is_seconds_and_six_digits_of_microseconds() -> None:
    assert ts_of(1_733_150_000_123_456) == '1733150000.123456'
    assert ts_of(1_733_150_000_000_001) == '1733150000.000001'
    stamps = [1, 999_999, 1_000_000, 1_733_150_000_000_000, 1_733_150_000_000_001]
    assert [ts_us_of(ts_of(us)) for us in stamps] == stamps
    assert sorted((ts_of(us) for us in stamps), key=float) == [ts_of(us) for us in stamps]


@pytest.mark.parametrize('forged', ['', '42', '1733150000.42', '1e9', 'abc', None, '-1.000000', '0.000000', 7.5])
def test_forged_ts_is_not_a_message(forged: object) -> None:
    assert ts_us_of(forged) is None


def test_history_bounds_are_times_with_any_decimals() -> None:
    assert time_bound('0') == 0
    assert time_bound('1733150000.123456') == 1_733_150_000_123_456
    assert time_bound('1733150000.5') == 1_733_150_000_500_000
    assert time_bound('1733150000.1234567') == 1_733_150_000_123_456  # Python's str(time.time()) has 7 decimals
    assert time_bound(1733150000.25) == 1_733_150_000_250_000
    assert time_bound('9' * 19) == MAX_ID
    assert time_bound('not a ts') is None
    assert time_bound('-5') is None


def test_permalinks_are_slacks_shape_and_read_back() -> None:
    assert slack_permalink('http://chat.test/', 'C00000001', 1_733_150_000_123_456) == (
        'http://chat.test/archives/C00000001/p1733150000123456'
    )
    reply = slack_permalink('http://chat.test', 'C00000001', 1_733_150_000_123_457, 1_733_150_000_123_456)
    assert reply.endswith('/p1733150000123457?thread_ts=1733150000.123456&cid=C00000001')
    assert ts_us_of_p('p1733150000123456') == 1_733_150_000_123_456
    assert [ts_us_of_p(bad) for bad in ('1733150000123456', 'p12', 'p1.5', 'p' + '9' * 19)] == [None] * 4
