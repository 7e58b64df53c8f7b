"""IANA time zones as profiles use them: which names are valid, and a person's offset and label right now."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {'UTC'}


def zone_of(name: str) -> tzinfo:
    """The zone for a stored name; UTC for '' (not known yet) or a name this server's tzdata no longer has."""
    return ZoneInfo(name) if name in known_time_zones() else UTC


def offset_seconds(name: str, now: datetime | None = None) -> int:
    offset = (now or datetime.now(UTC)).astimezone(zone_of(name)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def zone_label(name: str, now: datetime | None = None) -> str:
    """What the zone is called right now ("CET", "CEST", "UTC"; some zones only have "+03")."""
    return (now or datetime.now(UTC)).astimezone(zone_of(name)).tzname() or 'UTC'


def local_time(name: str, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(zone_of(name))
