"""Opaque pagination cursors (`response_metadata.next_cursor`): base64 of the keyset position.

A cursor names the id to continue after (or before, for newest-first pages); it carries no secret and
grants nothing, since each page is filtered by what the caller may read.
"""

from __future__ import annotations

import base64
import binascii

from api.slack.errors import SlackError
from db.models import fits_id

_PREFIX = 'next:'


def make_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f'{_PREFIX}{position}'.encode()).decode()


def cursor_position(cursor: str | None) -> int | None:
    """The position a cursor continues from; None for no cursor; `invalid_cursor` for anything else."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode('ascii')).decode('ascii')
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise SlackError('invalid_cursor') from error
    number = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not number.isdigit() or len(number) > 19 or not fits_id(int(number)):
        raise SlackError('invalid_cursor')
    return int(number)


def page_metadata(next_position: int | None) -> dict[str, str]:
    """Slack always sends `response_metadata.next_cursor`, empty on the last page."""
    return {'next_cursor': make_cursor(next_position) if next_position is not None else ''}
