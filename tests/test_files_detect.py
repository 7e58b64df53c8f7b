"""The type comes from the bytes; executables are recognised whatever the name says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from state.files import policy
from state.files.detect import detect_type
from tests import files_support as samples


@pytest.fixture
def write(tmp_path: Path) -> Callable[[bytes], Path]:
    def _write(data: bytes) -> Path:
        path = tmp_path / 'upload.bin'
        path.write_bytes(data)
        return path

    return _write


@pytest.mark.parametrize(
    ('data', 'name', 'mime'),
    [
        (samples.image_bytes('PNG'), 'x.txt', 'image/png'),
        (samples.image_bytes('JPEG'), 'x', 'image/jpeg'),
        (samples.image_bytes('GIF'), 'x.png', 'image/gif'),
        (samples.image_bytes('WEBP'), 'x.jpg', 'image/webp'),
        (samples.PDF, 'x.doc', 'application/pdf'),
        (samples.docx_bytes(), 'x.zip', policy.DOCX),
        (samples.xlsx_bytes(), 'x', policy.XLSX),
        (samples.pptx_bytes(), 'x', policy.PPTX),
        (samples.odt_bytes(), 'x', policy.ODT),
        (samples.zip_bytes({'a.txt': b'a'}), 'x.docx', 'application/zip'),
        (samples.gzip_bytes(), 'x', 'application/gzip'),
        (samples.tar_bytes(), 'x', 'application/x-tar'),
        (b'hello\nworld\n', 'notes', 'text/plain'),
        (b'a,b\n1,2\n', 'data.csv', 'text/csv'),
        (b'# Title\n\ntext', 'README.md', 'text/markdown'),
        ('caf\xe9;cr\xe8me\n'.encode('cp1252'), 'legacy.csv', 'text/csv'),
        ('\ufeffhello'.encode('utf-16'), 'unicode.txt', 'text/plain'),
        (b'MZ is the name of the band\n', 'band.txt', 'text/plain'),  # text that merely starts with "MZ"
        (samples.HTML, 'page.txt', 'text/html'),
        (b'  <script>alert(1)</script>', 'x.txt', 'text/html'),
        (samples.SVG, 'image.png', 'image/svg+xml'),
        (b'<svg onload="alert(1)"/>', 'x', 'image/svg+xml'),
        (b'<?xml version="1.0"?><root/>', 'x', 'application/xml'),
        (samples.MP4, 'clip.mp4', 'video/mp4'),
        (b'\x00\x01\x02\x03' * 100, 'blob', 'application/octet-stream'),
    ],
)
def test_detects_type_from_content(write: Callable[[bytes], Path], data: bytes, name: str, mime: str) -> None:
    assert detect_type(write(data), name).mime == mime


@pytest.mark.parametrize(
    ('data', 'description'),
    [
        (samples.ELF, 'Linux program'),
        (samples.PE, 'Windows program'),
        (samples.MACH_O, 'macOS program'),
        (samples.SHELL_SCRIPT, 'script'),
        (b'\xef\xbb\xbf#!/usr/bin/env python\n', 'script'),
        (samples.jar_bytes(), 'Java program'),
        (b'\x00asm\x01\x00\x00\x00', 'WebAssembly program'),
    ],
)
def test_renamed_executables_are_recognised(write: Callable[[bytes], Path], data: bytes, description: str) -> None:
    detected = detect_type(write(data), 'holiday-photo.png')
    assert detected.is_executable
    assert description in detected.description
    assert not policy.is_allowed(detected.mime, frozenset({detected.mime, 'application/*', 'text/*'}))


def test_default_allow_list() -> None:
    for mime in ('image/png', 'application/pdf', 'text/csv', policy.DOCX, 'application/gzip'):
        assert policy.is_allowed(mime)
    for mime in ('video/mp4', 'text/html', 'image/svg+xml', 'application/octet-stream'):
        assert not policy.is_allowed(mime)


def test_admin_types_widen_the_list() -> None:
    extra = policy.parse_extra_types(' Video/MP4, audio/*, not a type, ,text/html')
    assert extra == frozenset({'video/mp4', 'audio/*', 'text/html'})
    assert policy.is_allowed('video/mp4', extra)
    assert policy.is_allowed('audio/ogg', extra)
    assert not policy.is_allowed('video/webm', extra)
    assert policy.is_allowed('text/html', extra)


def test_active_content_is_never_served_as_itself() -> None:
    for mime in ('text/html', 'image/svg+xml', 'application/xml', 'application/xhtml+xml', 'text/javascript'):
        assert policy.served_type(mime) == 'application/octet-stream'
        assert not policy.is_inline(mime)
    assert policy.served_type('image/png') == 'image/png'
    assert policy.is_inline('image/png')
    assert policy.is_inline('application/pdf')
    assert not policy.is_inline('text/plain')
