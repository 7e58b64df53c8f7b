"""A small valid picture for the action tables (the smallest side an avatar may have)."""

from __future__ import annotations

import io

from PIL import Image

from state.files.avatar_images import MIN_AVATAR_SIDE


def _tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', (MIN_AVATAR_SIDE, MIN_AVATAR_SIDE), (0, 128, 255)).save(buffer, 'PNG')
    return buffer.getvalue()


TINY_PNG = _tiny_png()
