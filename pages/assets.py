"""Static assets built from code: the emoji table and our stylesheets, served once per browser and cached for good."""

from __future__ import annotations

from fastapi import Response
from nicegui import app

from components import stylesheets
from components.shell_context import EMOJI_JSON, EMOJI_URL

IMMUTABLE = {'Cache-Control': 'public, max-age=31536000, immutable'}  # the URLs carry a hash of the content


@app.get(EMOJI_URL)
async def emoji_table() -> Response:
    return Response(EMOJI_JSON, media_type='application/json', headers=IMMUTABLE)


def _serve(sheet: stylesheets.Stylesheet) -> None:
    @app.get(sheet.url)
    async def stylesheet() -> Response:
        return Response(sheet.text, media_type='text/css', headers=IMMUTABLE)


for _sheet in stylesheets.ALL:
    _serve(_sheet)
