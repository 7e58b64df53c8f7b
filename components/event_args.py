"""Reading browser events: their arguments come from the client as any JSON value, so a forged or broken one
reads as "nothing" (None, '', False, 0) instead of raising inside a handler. tests/test_browser_event_fuzz.py
feeds every listener of a page hostile values."""

from __future__ import annotations

from typing import Any

from nicegui.events import GenericEventArguments

from db.models import fits_id

MAX_COUNT = 1000  # counts the browser reports (files uploading at once) are small


def event_args(e: GenericEventArguments) -> dict[str, Any]:
    """The event's arguments when they are an object, else an empty one."""
    return e.args if isinstance(e.args, dict) else {}


def id_arg(e: GenericEventArguments, key: str = 'id') -> int | None:
    """The positive, storable integer id at `e.args[key]`, or None."""
    value = event_args(e).get(key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if fits_id(number) else None


def text_arg(e: GenericEventArguments, key: str) -> str:
    """The string at `e.args[key]`, or '' (a number or an object is not text the person typed)."""
    value = event_args(e).get(key)
    return value if isinstance(value, str) else ''


def flag_arg(e: GenericEventArguments, key: str) -> bool:
    """True only for a JSON `true` at `e.args[key]`."""
    return event_args(e).get(key) is True


def count_arg(e: GenericEventArguments, key: str) -> int:
    """A small non-negative integer at `e.args[key]`, or 0."""
    value = event_args(e).get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value if 0 <= value <= MAX_COUNT else 0
