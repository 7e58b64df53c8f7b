"""Which detected types may be uploaded, and how each is served back.

Decisions (see docs/attachments.md):
- A built-in allow-list covers images, PDF, text, common office documents and archives. A workspace admin
  may add more MIME types (`Workspace.extra_upload_types`, comma separated, `type/*` wildcards allowed).
- Executables and scripts (ELF, PE, Mach-O, Java, WebAssembly, Android packages, shebang scripts) are
  refused always; no admin setting widens the list to them.
- HTML, SVG and XML are not on the built-in list. An admin may allow them; they are then stored but only
  ever served as `application/octet-stream` downloads, never rendered, and never thumbnailed.
- Inline display (`Content-Disposition: inline`) is limited to PNG, JPEG, GIF, WebP (which we re-encode or
  strip ourselves) and PDF. Everything else is an attachment download.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

IMAGE_TYPES = frozenset({'image/png', 'image/jpeg', 'image/gif', 'image/webp'})
TEXT_TYPES = frozenset({'text/plain', 'text/csv', 'text/markdown'})
DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation'
ODT = 'application/vnd.oasis.opendocument.text'
OFFICE_TYPES = frozenset({DOCX, XLSX, PPTX, ODT})
ARCHIVE_TYPES = frozenset({'application/zip', 'application/gzip', 'application/x-tar'})
PDF = 'application/pdf'

DEFAULT_ALLOWED_TYPES = IMAGE_TYPES | TEXT_TYPES | OFFICE_TYPES | ARCHIVE_TYPES | {PDF}

# Never allowed, whatever the workspace setting says.
EXECUTABLE_TYPES = frozenset(
    {
        'application/x-executable',  # ELF
        'application/vnd.microsoft.portable-executable',  # PE (MZ)
        'application/x-mach-binary',
        'application/java-vm',  # .class (and Mach-O fat binaries share its magic)
        'application/java-archive',
        'application/vnd.android.package-archive',
        'application/wasm',
        'text/x-shellscript',  # any text that starts with a shebang
    }
)

# Stored only when an admin allows them, and then served as opaque downloads.
ACTIVE_CONTENT_TYPES = frozenset({'text/html', 'image/svg+xml', 'application/xml', 'application/xhtml+xml'})

INLINE_TYPES = IMAGE_TYPES | {PDF}

_MIME_PATTERN = re.compile(r'^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$')


def parse_extra_types(setting: str) -> frozenset[str]:
    """The admin's extra types from the stored comma-separated setting; malformed entries are ignored."""
    entries = (entry.strip().lower() for entry in setting.split(','))
    return frozenset(entry for entry in entries if _MIME_PATTERN.match(entry))


def invalid_type_entries(entries: Iterable[str]) -> list[str]:
    """Entries an admin typed that are not `type/subtype` or `type/*` (for a clear error message)."""
    return [entry for entry in entries if not _MIME_PATTERN.match(entry.strip().lower())]


def is_allowed(mime: str, extra_types: frozenset[str] = frozenset()) -> bool:
    if mime in EXECUTABLE_TYPES:
        return False
    if mime in DEFAULT_ALLOWED_TYPES or mime in extra_types:
        return True
    major = mime.split('/', 1)[0]
    return f'{major}/*' in extra_types


def is_inline(mime: str) -> bool:
    return mime in INLINE_TYPES


def served_type(mime: str) -> str:
    """The Content-Type a download is sent with: active content never goes out under its real type."""
    if mime in ACTIVE_CONTENT_TYPES or mime.endswith('+xml') or 'javascript' in mime:
        return 'application/octet-stream'
    return mime
