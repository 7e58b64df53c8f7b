"""Static assets built from code: the emoji table and our stylesheets, served once per browser and cached for good."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Response
from nicegui import app

from components import stylesheets
from components.shell_context import EMOJI_JSON, EMOJI_URL

IMMUTABLE = {'Cache-Control': 'public, max-age=31536000, immutable'}  # the URLs carry a hash of the content


def register() -> None:
    """Add the routes; called on every app start (NiceGUI's test harness resets plain routes between tests)."""
    app.add_api_route(EMOJI_URL, _emoji_table, methods=['GET'], include_in_schema=False)
    for sheet in stylesheets.ALL:
        app.add_api_route(sheet.url, _stylesheet(sheet), methods=['GET'], include_in_schema=False)


async def _emoji_table() -> Response:
    return Response(EMOJI_JSON, media_type='application/json', headers=IMMUTABLE)


def _stylesheet(sheet: stylesheets.Stylesheet) -> Callable[[], Awaitable[Response]]:
    async def serve() -> Response:
        return Response(sheet.text, media_type='text/css', headers=IMMUTABLE)

    return serve
