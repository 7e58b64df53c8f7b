"""Display names for uploaded files: no path parts, no control or bidi characters, bounded length.

The name is only ever shown and sent back in `Content-Disposition`; it is never used as a filesystem path
(stored bytes live under their sha256). Sanitizing still matters: the downloader's browser saves under it.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 180
FALLBACK_NAME = 'file'

# Extensions a desktop runs on double click (Windows, macOS, Linux installers). Refused whatever the content,
# because the download keeps the name. The list extends the original design's uploader block list.
EXECUTABLE_EXTENSIONS = frozenset(
    {
        'app', 'apk', 'appimage', 'bat', 'cmd', 'com', 'command', 'cpl', 'deb', 'dll', 'dmg', 'exe', 'hta',
        'jar', 'js', 'jse', 'lnk', 'msi', 'msp', 'pif', 'pkg', 'ps1', 'psm1', 'reg', 'rpm', 'run', 'scr', 'sh',
        'vbe', 'vbs', 'wsf', 'wsh',
    }
)  # fmt: skip

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_DRIVE = re.compile(r'^[A-Za-z]:')
_WINDOWS_DEVICE = re.compile(r'^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$', re.IGNORECASE)
_SPACES = re.compile(r'\s+')
_BREAKS = frozenset('\t\n\r\v\f\x85\u2028\u2029')  # become spaces, so words stay apart


def _is_invisible(char: str) -> bool:
    # Cc: control characters; Cf: format characters such as U+202E, which can disguise "exe" as "png";
    # Zl/Zp: line and paragraph separators.
    return unicodedata.category(char) in {'Cc', 'Cf', 'Zl', 'Zp'}


def _visible(char: str) -> str:
    if char in _BREAKS:
        return ' '
    return '' if _is_invisible(char) else char


def sanitize_filename(raw: str) -> str:
    """A safe display name for `raw` (which may be a full client path); never empty."""
    name = unicodedata.normalize('NFC', raw).replace('\\', '/')
    name = name.rsplit('/', 1)[-1]  # only the last path component survives, whatever the client's OS
    name = _WINDOWS_DRIVE.sub('', name)
    name = ''.join(_visible(char) for char in name)
    name = _WINDOWS_FORBIDDEN.sub('_', name)
    name = _SPACES.sub(' ', name).strip(' .')  # Windows drops trailing dots; leading dots hide files
    if _WINDOWS_DEVICE.match(name):
        name = f'_{name}'
    return _truncate(name) or FALLBACK_NAME


def _truncate(name: str) -> str:
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, extension = name.rpartition('.')
    if dot and stem and len(extension) <= 16:  # keep the extension: it tells the downloader what it is
        return stem[: MAX_NAME_CHARS - len(extension) - 1].rstrip(' .') + '.' + extension
    return name[:MAX_NAME_CHARS].rstrip(' .')


def extension_of(name: str) -> str:
    """The last extension in lower case, without the dot ('' when there is none)."""
    stem, dot, extension = name.rpartition('.')
    return extension.lower() if dot and stem else ''


def has_executable_extension(name: str) -> bool:
    return extension_of(name) in EXECUTABLE_EXTENSIONS
