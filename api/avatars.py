"""`/avatars/{U…}.svg`: a generated identicon, the `profile.image_*` of people (we store no avatar pictures).

Drawn from a hash of the user id only, so it reveals nothing and never changes: a 5x5 mirrored grid in one
hue on a light ground. Any well-formed id gets one (no database lookup, so it tells nothing about who exists).
"""

from __future__ import annotations

import hashlib

from fastapi.responses import Response
from nicegui import app

from api.slack.ids import user_id_of

_CACHE = 'public, max-age=31536000, immutable'
_CELL = 10


def register() -> None:
    app.add_api_route('/avatars/{name}', avatar, methods=['GET'], include_in_schema=False)


def avatar_url(base_url: str, user_sid: str) -> str:
    return f'{base_url.rstrip("/")}/avatars/{user_sid}.svg'


async def avatar(name: str) -> Response:
    sid = name.removesuffix('.svg')
    if not name.endswith('.svg') or user_id_of(sid) is None:
        return Response('not found', status_code=404, media_type='text/plain')
    return Response(identicon_svg(sid.upper()), media_type='image/svg+xml', headers={'Cache-Control': _CACHE})


def identicon_svg(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    hue = int.from_bytes(digest[:2], 'big') % 360
    cells = []
    for row in range(5):
        for column in range(3):  # the left three columns, mirrored onto the right two
            if digest[2 + row * 3 + column] % 2:
                for x in {column, 4 - column}:
                    cells.append(f'<rect x="{x * _CELL}" y="{row * _CELL}" width="{_CELL}" height="{_CELL}"/>')
    size = 5 * _CELL
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-5 -5 {size + 10} {size + 10}">'
        f'<rect x="-5" y="-5" width="{size + 10}" height="{size + 10}" fill="hsl({hue},30%,94%)"/>'
        f'<g fill="hsl({hue},55%,45%)">{"".join(cells)}</g></svg>'
    )
