"""Lossless metadata stripping at the container level, for images we do not re-encode (GIF, animations).

Each function keeps only the chunks or blocks needed to draw the picture, drops everything else (comments,
EXIF, XMP, unknown application data) and anything after the format's end marker, so no hidden payload
rides along. Malformed input raises `ValueError`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
# Critical chunks, colour and animation chunks; text (tEXt/zTXt/iTXt), eXIf, tIME and unknown ones go.
_PNG_KEEP = frozenset(
    {b'IHDR', b'PLTE', b'IDAT', b'IEND', b'tRNS', b'cHRM', b'gAMA', b'iCCP', b'sBIT', b'sRGB', b'cICP', b'bKGD',
     b'pHYs', b'acTL', b'fcTL', b'fdAT'}
)  # fmt: skip
_WEBP_KEEP = frozenset({b'VP8 ', b'VP8L', b'VP8X', b'ALPH', b'ANIM', b'ANMF', b'ICCP'})
_WEBP_EXIF_AND_XMP_FLAGS = 0x08 | 0x04
_GIF_LOOP_APPLICATIONS = frozenset({b'NETSCAPE2.0', b'ANIMEXTS1.0'})


def strip_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError('not a PNG file')
    out = [PNG_SIGNATURE]
    position = len(PNG_SIGNATURE)
    while True:
        if position + 12 > len(data):
            raise ValueError('PNG ends before IEND')
        (length,) = struct.unpack_from('>I', data, position)
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ValueError('PNG chunk runs past the end of the file')
        if kind in _PNG_KEEP:
            out.append(data[position:end])
        position = end
        if kind == b'IEND':
            return b''.join(out)


def strip_webp(data: bytes) -> bytes:
    if len(data) < 12 or data[:4] != b'RIFF' or data[8:12] != b'WEBP':
        raise ValueError('not a WebP file')
    (riff_size,) = struct.unpack_from('<I', data, 4)
    end_of_riff = min(8 + riff_size, len(data))
    chunks: list[bytes] = []
    position = 12
    while position + 8 <= end_of_riff:
        kind = data[position : position + 4]
        (length,) = struct.unpack_from('<I', data, position + 4)
        end = position + 8 + length + (length & 1)  # chunks are padded to an even size
        if position + 8 + length > end_of_riff:
            raise ValueError('WebP chunk runs past the end of the file')
        chunk = data[position : min(end, end_of_riff)]
        if kind == b'VP8X' and length >= 1:
            chunk = chunk[:8] + bytes([chunk[8] & ~_WEBP_EXIF_AND_XMP_FLAGS & 0xFF]) + chunk[9:]
        if kind in _WEBP_KEEP:
            chunks.append(chunk + (b'\x00' if len(chunk) & 1 else b''))
        position = end
    body = b'WEBP' + b''.join(chunks)
    return b'RIFF' + struct.pack('<I', len(body)) + body


@dataclass(frozen=True)
class GifResult:
    data: bytes
    # The area every frame covers together; a frame may reach past the declared canvas, and decoders grow
    # the canvas to fit, so this is what a pixel limit must be checked against.
    width: int
    height: int


def strip_gif(data: bytes) -> GifResult:
    if len(data) < 13 or data[:6] not in (b'GIF87a', b'GIF89a'):
        raise ValueError('not a GIF file')
    width, height, flags = struct.unpack_from('<HHB', data, 6)
    position = 13 + (3 << ((flags & 0x07) + 1) if flags & 0x80 else 0)
    out = [data[:position]]
    while True:
        if position >= len(data):
            raise ValueError('GIF ends before its trailer')
        introducer = data[position]
        if introducer == 0x3B:  # trailer
            out.append(b'\x3b')
            return GifResult(b''.join(out), width, height)
        if introducer == 0x2C:  # image descriptor, optional local colour table, LZW code size, data
            if position + 10 > len(data):
                raise ValueError('GIF image descriptor is cut short')
            left, top, frame_width, frame_height, frame_flags = struct.unpack_from('<HHHHB', data, position + 1)
            width, height = max(width, left + frame_width), max(height, top + frame_height)
            start = position
            position += 10 + (3 << ((frame_flags & 0x07) + 1) if frame_flags & 0x80 else 0) + 1
            position = _skip_sub_blocks(data, position)
            out.append(data[start:position])
        elif introducer == 0x21:  # extension: keep graphic control and the loop count, drop the rest
            if position + 2 > len(data):
                raise ValueError('GIF extension is cut short')
            label = data[position + 1]
            start = position
            position = _skip_sub_blocks(data, position + 2)
            application = data[start + 3 : start + 14] if label == 0xFF else b''
            if label == 0xF9 or application in _GIF_LOOP_APPLICATIONS:
                out.append(data[start:position])
        else:
            raise ValueError(f'unexpected GIF block 0x{introducer:02x}')


def _skip_sub_blocks(data: bytes, position: int) -> int:
    while True:
        if position >= len(data):
            raise ValueError('GIF data runs past the end of the file')
        size = data[position]
        position += 1 + size
        if size == 0:
            return position
