"""Reading ids out of browser events: they come from the client, so a forged or broken one is ignored."""

from __future__ import annotations

from nicegui.events import GenericEventArguments

from db.models import fits_id


def id_arg(e: GenericEventArguments, key: str = 'id') -> int | None:
    """The positive, storable integer id at `e.args[key]`, or None."""
    args = e.args if isinstance(e.args, dict) else {}
    value = args.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if fits_id(number) else None
