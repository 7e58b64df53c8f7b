"""Type detection from the bytes themselves; the name and the browser's claim only pick a text flavour.

Own checks come first for everything on the allow-list and for every kind of executable, so a decision
about those never depends on a third-party signature table; `puremagic` names the rest (types an admin
may have allowed, such as audio or video).
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import puremagic

from state.files import policy
from state.files.names import extension_of
from state.files.zip_directory import directory_mentions, read_zip_directory

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Detected:
    mime: str
    description: str  # for messages: "a Windows program", "a PNG image", ...

    @property
    def is_executable(self) -> bool:
        return self.mime in policy.EXECUTABLE_TYPES


_EXECUTABLE_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b'\x7fELF', 'application/x-executable', 'a Linux program (ELF)'),
    (b'\xfe\xed\xfa\xce', 'application/x-mach-binary', 'a macOS program'),
    (b'\xfe\xed\xfa\xcf', 'application/x-mach-binary', 'a macOS program'),
    (b'\xce\xfa\xed\xfe', 'application/x-mach-binary', 'a macOS program'),
    (b'\xcf\xfa\xed\xfe', 'application/x-mach-binary', 'a macOS program'),
    (b'\xca\xfe\xba\xbe', 'application/java-vm', 'a Java class or macOS universal program'),
    (b'\x00asm', 'application/wasm', 'a WebAssembly program'),
    (b'dex\n0', 'application/vnd.android.package-archive', 'an Android program'),
    (b'#!', 'text/x-shellscript', 'a script'),
)

_IMAGE_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b'\x89PNG\r\n\x1a\n', 'image/png', 'a PNG image'),
    (b'\xff\xd8\xff', 'image/jpeg', 'a JPEG image'),
    (b'GIF87a', 'image/gif', 'a GIF image'),
    (b'GIF89a', 'image/gif', 'a GIF image'),
)

# The HTML openers a browser's content sniffer recognises (WHATWG MIME Sniffing, "identifying HTML").
_HTML_START = re.compile(
    r'^<(!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[\s>]'
)
_TEXT_FLAVOURS = {'csv': 'text/csv', 'md': 'text/markdown', 'markdown': 'text/markdown'}
_ALLOWED_CONTROL = frozenset(b'\t\n\r\f\v\x1b')


def detect_type(path: Path, name: str) -> Detected:
    with path.open('rb') as file:
        head = file.read(HEAD_BYTES)
    for magic, mime, description in _EXECUTABLE_MAGIC:
        if head.startswith(magic):
            return Detected(mime, description)
    if head.startswith(b'MZ') and b'\x00' in head[:64]:  # a DOS header is binary; text may start with "MZ"
        return Detected('application/vnd.microsoft.portable-executable', 'a Windows program')
    for magic, mime, description in _IMAGE_MAGIC:
        if head.startswith(magic):
            return Detected(mime, description)
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return Detected('image/webp', 'a WebP image')
    if b'%PDF-' in head[:1024]:
        return Detected(policy.PDF, 'a PDF document')
    if head.startswith((b'PK\x03\x04', b'PK\x05\x06')):
        return _detect_zip(path)
    if head.startswith(b'\x1f\x8b'):
        return Detected('application/gzip', 'a gzip archive')
    if head[257:262] == b'ustar':
        return Detected('application/x-tar', 'a tar archive')
    text = _as_text(path, head)
    if text is not None:
        return _detect_text(text, name)
    return _detect_other(head)


# Names that make a zip a Java or Android program; searched for as bytes when the zip is too big to list.
_PROGRAM_MARKERS = (b'META-INF/MANIFEST.MF', b'.class', b'classes.dex')


def _detect_zip(path: Path) -> Detected:
    directory = read_zip_directory(path)
    if directory is not None and not directory.is_small_enough_to_list:
        if directory_mentions(path, directory, _PROGRAM_MARKERS):
            return Detected('application/java-archive', 'a Java or Android program')
        return Detected('application/zip', 'a zip archive')  # too many entries to list: just a zip to us
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            mimetype = archive.open('mimetype').read(128) if 'mimetype' in names else b''
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return Detected('application/zip', 'a zip archive')  # unreadable directory: still just a zip to us
    if mimetype.startswith(b'application/vnd.oasis.opendocument.'):
        return Detected(mimetype.decode('ascii', 'replace').strip(), 'an OpenDocument file')
    if 'AndroidManifest.xml' in names and 'classes.dex' in names:
        return Detected('application/vnd.android.package-archive', 'an Android program')
    if 'META-INF/MANIFEST.MF' in names or any(item.endswith('.class') for item in names):
        return Detected('application/java-archive', 'a Java program')
    if '[Content_Types].xml' in names:
        for prefix, mime, description in (
            ('word/', policy.DOCX, 'a Word document'),
            ('xl/', policy.XLSX, 'an Excel workbook'),
            ('ppt/', policy.PPTX, 'a PowerPoint presentation'),
        ):
            if any(item.startswith(prefix) for item in names):
                return Detected(mime, description)
    return Detected('application/zip', 'a zip archive')


def _as_text(path: Path, head: bytes) -> str | None:
    """The start of the file as text, or None when it is binary."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return head[:4096].decode('utf-16', errors='strict')
        except UnicodeDecodeError:
            return None  # a cut in the middle of a character is rare at 4096 bytes and only costs a refusal
    if b'\x00' in head:
        return None
    if _is_utf8(path):
        return head[:4096].decode('utf-8', errors='ignore')
    # Legacy 8-bit text (e.g. a cp1252 CSV): accepted when control characters are rare.
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _ALLOWED_CONTROL)
    if controls * 100 > len(head):
        return None
    return head[:4096].decode('latin-1')


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder('utf-8')(errors='strict')
    try:
        with path.open('rb') as file:
            while chunk := file.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b'', final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect_text(text: str, name: str) -> Detected:
    start = text.lstrip('\ufeff \t\r\n').lower()
    if start.startswith('#!'):
        return Detected('text/x-shellscript', 'a script')
    if start.startswith('<svg') or (start.startswith('<?xml') and '<svg' in start):
        return Detected('image/svg+xml', 'an SVG image')
    if start.startswith('<?xml'):
        if '<html' in start:
            return Detected('application/xhtml+xml', 'an HTML page')
        return Detected('application/xml', 'an XML document')
    if _HTML_START.match(start):
        return Detected('text/html', 'an HTML page')
    mime = _TEXT_FLAVOURS.get(extension_of(name), 'text/plain')
    return Detected(mime, 'a text file')


def _detect_other(head: bytes) -> Detected:
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        matches = []
    if any('executable' in match.name.lower() for match in matches):
        return Detected('application/x-executable', 'a program')
    for match in matches:
        if match.mime_type:
            return Detected(match.mime_type.lower(), match.name or match.mime_type)
    return Detected('application/octet-stream', 'an unrecognised binary file')
