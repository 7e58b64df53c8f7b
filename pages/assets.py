"""Static assets built from code: the emoji table, served once per browser and cached for good."""

from __future__ import annotations

from fastapi import Response
from nicegui import app

from components.shell_context import EMOJI_JSON, EMOJI_URL


@app.get(EMOJI_URL)
async def emoji_table() -> Response:
    # The URL carries a hash of the content, so a browser may keep it forever.
    return Response(
        EMOJI_JSON, media_type='application/json', headers={'Cache-Control': 'public, max-age=31536000, immutable'}
    )
