"""Avatars: uploaded pictures at `/avatars/{user id}/{size}.png?v={version}`, and generated identicons at
`/avatars/{U…}.svg` for people without one (the fallback of `profile.image_*`).

Pictures are public by URL, as Slack's are (bots and SDKs fetch them without a session); the URL needs the
version, which only members of a workspace with the person learn, and a wrong one is "not found". Every
version is a new URL, so both kinds are cached forever.

The identicon is drawn from a hash of the user id only, so it reveals nothing and never changes: a 5x5
mirrored grid in one hue on a light ground. Any well-formed id gets one (no database lookup, so it tells
nothing about who exists).
"""

from __future__ import annotations

import hashlib
import re

from fastapi.responses import FileResponse, Response
from nicegui import app

from api.slack.ids import user_id_of
from db.models import fits_id
from state.files import avatar_store
from state.files.avatar_images import AVATAR_SIZES

_CACHE = 'public, max-age=31536000, immutable'
_CELL = 10
_DIGITS = re.compile(r'[0-9]{1,19}')


def register() -> None:
    app.add_api_route('/avatars/{name}', avatar, methods=['GET'], include_in_schema=False)
    app.add_api_route('/avatars/{user_id}/{name}', picture, methods=['GET'], include_in_schema=False)


def avatar_url(base_url: str, user_sid: str, user_id: int = 0, version: int = 0, size: int = 72) -> str:
    """The uploaded picture when there is one (`version`), else the identicon."""
    if version:
        return avatar_store.avatar_url(user_id, version, size, base_url)
    return f'{base_url.rstrip("/")}/avatars/{user_sid}.svg'


async def picture(user_id: str, name: str, v: str = '') -> Response:
    size, uid, version = _number(name.removesuffix('.png')), _number(user_id), _number(v)
    if not name.endswith('.png') or size not in AVATAR_SIZES or not (fits_id(uid) and fits_id(version)):
        return _not_found()
    path = avatar_store.avatar_file(uid, version, size)
    if not path.is_file():
        return _not_found()
    headers = {'Cache-Control': _CACHE, 'X-Content-Type-Options': 'nosniff'}
    return FileResponse(path, media_type='image/png', headers=headers)


def _number(text: str) -> int:
    """The decimal number `text` spells in ASCII digits (at most 19), else 0 (never a path part of its own)."""
    return int(text) if _DIGITS.fullmatch(text) else 0


def _not_found() -> Response:
    return Response('not found', status_code=404, media_type='text/plain')


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
