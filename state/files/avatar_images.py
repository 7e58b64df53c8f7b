"""Avatar pictures: check that the bytes are a still image we can decode, then make the square sizes.

The picture is decoded from its own bytes (the name and the browser's claim are ignored), its pixel count is
checked from the header before anything is decoded (decompression bombs), the EXIF orientation is applied,
the centre square is cut out and each size is re-encoded as PNG from pixels only, so no EXIF, GPS or comment
of the original survives.
"""

from __future__ import annotations

import io
import struct
import warnings

from PIL import Image, ImageOps

from state.files.errors import BadImage, EmptyFile, FileTooLarge, UnsupportedFileType
from state.files.storage import format_size

# Slack's profile.image_* sizes; the message list shows 72 (36 px on a 2x screen), the card 192.
AVATAR_SIZES = (24, 32, 48, 72, 192, 512)
MAX_AVATAR_BYTES = 10 * 1024 * 1024
MAX_AVATAR_PIXELS = 40_000_000
MIN_AVATAR_SIDE = 16
_FORMATS = ('PNG', 'JPEG', 'GIF', 'WEBP')


def avatar_sizes(data: bytes) -> dict[int, bytes]:
    """PNG bytes per size in `AVATAR_SIZES`; raises an `InvalidInput` subclass with a message for people."""
    if not data:
        raise EmptyFile('The picture is empty.')
    if len(data) > MAX_AVATAR_BYTES:
        raise FileTooLarge(f'A profile picture can be at most {format_size(MAX_AVATAR_BYTES)}.')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:  # reads the header only
                _check_size(*image.size)
                image.seek(0)  # an animated GIF or WebP: its first frame
                image.load()
                square = _square(image)
        except (BadImage, FileTooLarge):
            raise
        except Image.UnidentifiedImageError as error:
            raise UnsupportedFileType('A profile picture must be a PNG, JPEG, GIF or WebP image.') from error
        except Image.DecompressionBombError as error:
            raise BadImage(f'The picture is too large to process; {_pixels_message()}') from error
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
            raise BadImage('The picture could not be read; the file is damaged.') from error
    return {size: _png(square, size) for size in AVATAR_SIZES}


def _check_size(width: int, height: int) -> None:
    if width * height > MAX_AVATAR_PIXELS:
        raise BadImage(f'The picture is too large ({width} × {height} pixels); {_pixels_message()}')
    if min(width, height) < MIN_AVATAR_SIDE:
        raise BadImage(f'The picture is too small; it needs at least {MIN_AVATAR_SIDE} × {MIN_AVATAR_SIDE} pixels.')


def _pixels_message() -> str:
    return f'profile pictures may have at most {MAX_AVATAR_PIXELS // 1_000_000} megapixels.'


def _square(image: Image.Image) -> Image.Image:
    upright = ImageOps.exif_transpose(image)  # a copy with the orientation applied to the pixels
    if upright.mode not in ('RGB', 'RGBA'):
        has_alpha = upright.mode in ('LA', 'PA', 'La', 'RGBa') or 'transparency' in upright.info
        upright = upright.convert('RGBA' if has_alpha else 'RGB')
    side = min(upright.size)
    left, top = (upright.width - side) // 2, (upright.height - side) // 2
    square = upright.crop((left, top, left + side, top + side))
    square.info = {}  # nothing of the source's metadata is carried into the saved files
    return square


def _png(square: Image.Image, size: int) -> bytes:
    resized = square.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = {}
    buffer = io.BytesIO()
    resized.save(buffer, 'PNG', optimize=True)
    return buffer.getvalue()
