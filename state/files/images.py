"""Images: clean the stored copy (metadata gone, orientation applied), measure it and make a thumbnail.

Still PNG, JPEG and WebP images are decoded and re-encoded without EXIF, XMP, comments or text chunks,
with the EXIF orientation applied to the pixels. GIFs and animated PNG/WebP are stripped at the container
level instead (`strip.py`), which keeps every frame bit for bit. Thumbnails are WebP, at most 360x360.

Decompression bombs: the pixel count is read from the header and checked before anything is decoded, and
Pillow's own limit is set to the same value as a second line. At most `MAX_CONCURRENT_DECODES` images are
decoded at once (a burst of large images waits instead of exhausting memory and the CPU); a refused header
takes no slot.
"""

from __future__ import annotations

import io
import struct
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from state.files import strip
from state.files.errors import BadImage

MAX_IMAGE_PIXELS = 50_000_000
THUMB_BOX = (360, 360)
JPEG_QUALITY = 90
WEBP_QUALITY = 90
THUMB_QUALITY = 80

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow warns above this and refuses above twice this

# A 49-megapixel JPEG or PNG peaks at ~200 MB while cleaned (measured); two at a time bounds memory on a
# small server.
MAX_CONCURRENT_DECODES = 2
_DECODING = threading.BoundedSemaphore(MAX_CONCURRENT_DECODES)

_PILLOW_FORMATS = {'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'image/webp': 'WEBP'}


@dataclass(frozen=True)
class CleanImage:
    data: bytes  # what is stored and served
    width: int
    height: int
    thumbnail: bytes  # WebP


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """The thumbnail's size for an image of this size: fits `THUMB_BOX`, never enlarged, what the list reserves.

    Thumbnails are resized to exactly this (Pillow's own `thumbnail()` rounds differently by a pixel for about
    one size in 500).
    """
    scale = min(1.0, THUMB_BOX[0] / width, THUMB_BOX[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def clean_image(path: Path, mime: str) -> CleanImage:
    """Raises `BadImage` with a user-facing message when the image is damaged or too large to decode."""
    pillow_format = _PILLOW_FORMATS[mime]
    with warnings.catch_warnings():
        # Between Pillow's limit and twice it Pillow only warns; our own check below refuses with the size.
        warnings.simplefilter('ignore', Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[pillow_format]) as image:  # reads the header only
                _check_pixels(*image.size)
                if pillow_format == 'GIF':
                    gif = strip.strip_gif(path.read_bytes())
                    _check_pixels(gif.width, gif.height)
                    with _DECODING:
                        return _from_container(gif.data, image)
                with _DECODING:  # a refused header never waits for a slot; a decode does
                    if getattr(image, 'is_animated', False):
                        stripper = strip.strip_png if pillow_format == 'PNG' else strip.strip_webp
                        return _from_container(stripper(path.read_bytes()), image)
                    return _reencode(image, pillow_format, path)
        except BadImage:
            raise
        except Image.DecompressionBombError as error:
            raise BadImage(f'The image is too large to process; {_too_many_pixels_message()}') from error
        except (OSError, SyntaxError, ValueError, EOFError, struct.error, MemoryError) as error:
            message = f'The image could not be read; it is damaged or not really a {pillow_format} file.'
            raise BadImage(message) from error


def _check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise BadImage('The image has no pixels.')
    if width * height > MAX_IMAGE_PIXELS:
        raise BadImage(f'The image is too large to process ({width} × {height} pixels); {_too_many_pixels_message()}')


def _too_many_pixels_message() -> str:
    return f'images may have at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels.'


def _from_container(data: bytes, image: Image.Image) -> CleanImage:
    image.seek(0)
    image.load()
    return CleanImage(data, image.width, image.height, _thumbnail(image))


def _reencode(image: Image.Image, pillow_format: str, path: Path) -> CleanImage:
    image.load()
    icc_profile = image.info.get('icc_profile')
    transparency = image.info.get('transparency')
    lossless = pillow_format == 'WEBP' and _is_lossless_webp(path)
    # The EXIF orientation applied to the pixels, in place (an upright image is not copied: 150-200 MB saved at
    # 50 megapixels); the metadata read above is all that is kept.
    ImageOps.exif_transpose(image, in_place=True)
    oriented = image
    oriented.info = {}  # nothing of the source's metadata may be carried into the saved file
    options: dict[str, object] = {}
    if pillow_format == 'JPEG':
        if oriented.mode not in ('L', 'RGB'):
            oriented = oriented.convert('RGB')  # CMYK and friends: browsers render RGB consistently
            icc_profile = None
        options.update(quality=JPEG_QUALITY)
    elif pillow_format == 'WEBP':
        if oriented.mode not in ('RGB', 'RGBA'):
            oriented = oriented.convert('RGBA' if _has_alpha(oriented, transparency) else 'RGB')
        options.update(lossless=True) if lossless else options.update(quality=WEBP_QUALITY)
    elif transparency is not None:
        options['transparency'] = transparency
    if icc_profile:
        options['icc_profile'] = icc_profile
    buffer = io.BytesIO()
    oriented.save(buffer, pillow_format, **options)
    return CleanImage(buffer.getvalue(), oriented.width, oriented.height, _thumbnail(oriented))


def _is_lossless_webp(path: Path) -> bool:
    """True when the first bitstream chunk is VP8L (lossless); re-encoding those lossy would degrade them."""
    with path.open('rb') as file:
        head = file.read(64 * 1024)
    position = 12
    while position + 8 <= len(head):
        kind = head[position : position + 4]
        if kind in (b'VP8L', b'VP8 '):
            return kind == b'VP8L'
        (length,) = struct.unpack_from('<I', head, position + 4)
        position += 8 + length + (length & 1)
    return False


def _has_alpha(image: Image.Image, transparency: object) -> bool:
    return image.mode in ('RGBA', 'LA', 'PA', 'La', 'RGBa') or transparency is not None


def _thumbnail(image: Image.Image) -> bytes:
    """Resized straight from `image` (no full-size copy first: at 50 megapixels that is 150-200 MB more)."""
    thumb = image
    if thumb.mode.startswith('I'):  # 16/32-bit greyscale: scale down to 8 bits before converting
        thumb = thumb.convert('I').point(lambda value: value * (1 / 256)).convert('L')
    if thumb.mode not in ('RGB', 'RGBA', 'L'):
        thumb = thumb.convert('RGBA' if _has_alpha(thumb, thumb.info.get('transparency')) else 'RGB')
    # What Image.thumbnail() does once the image is loaded, to exactly the size the message list reserves.
    thumb = thumb.resize(thumbnail_size(*thumb.size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumb.info = {}
    buffer = io.BytesIO()
    thumb.save(buffer, 'WEBP', quality=THUMB_QUALITY)
    return buffer.getvalue()
