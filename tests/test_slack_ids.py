"""Slack-style ids and ts: reversible, ordered like our ids, and forged values are simply not ids."""

from __future__ import annotations

import pytest

from api.slack.ids import (
    TS_BASE,
    app_id_of,
    app_sid,
    bot_sid,
    channel_id_of,
    channel_sid,
    id_bound,
    message_id_of,
    message_ts,
    team_sid,
    user_id_of,
    user_sid,
)
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


def test_ts_round_trips_and_sorts_in_message_order() -> None:
    assert message_ts(42) == '1000000000.000042'
    ids = [1, 2, 999_999, 1_000_000, 1_000_001, 123_456_789_012]
    stamps = [message_ts(i) for i in ids]
    assert [message_id_of(ts) for ts in stamps] == ids
    assert sorted(stamps) == stamps
    assert sorted(stamps, key=float) == stamps


@pytest.mark.parametrize('forged', ['', '42', '1000000000.42', '999999999.000001', '1e9', 'abc', None, '-1.000000'])
def test_forged_ts_is_not_a_message(forged: object) -> None:
    assert message_id_of(forged) is None


def test_history_bounds_clamp_any_number() -> None:
    assert id_bound('0') == 0
    assert id_bound(message_ts(77)) == 77
    assert id_bound(f'{TS_BASE + 1}') == 1_000_000
    assert id_bound('9' * 19) == MAX_ID
    assert id_bound('not a ts') is None
