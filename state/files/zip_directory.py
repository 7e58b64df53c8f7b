"""A zip's central directory measured from its end record, before anything lists it.

`zipfile.ZipFile` builds one object per entry as it opens; a 24 MiB zip of 300,000 entries took 5 s and
150 MiB just to open. The end-of-central-directory record (the last 22 bytes plus an optional comment)
states the entry count and the directory's size, so the cost is known from one small read of the tail.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_END_SIGNATURE = b'PK\x05\x06'
_END_RECORD = struct.Struct('<4sHHHHIIH')  # signature, disks, entries here, entries, size, offset, comment
_MAX_COMMENT = 0xFFFF
_SCAN_CHUNK = 1024 * 1024

# Well above any office document (tens to hundreds of entries); a ZIP64 archive's saturated fields
# (0xFFFF entries, 0xFFFFFFFF bytes) are above them too, so it is never listed.
MAX_LISTED_ENTRIES = 5000
MAX_LISTED_DIRECTORY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ZipDirectory:
    entries: int
    size: int  # bytes of the central directory
    offset: int  # where it starts, as the end record claims

    @property
    def is_small_enough_to_list(self) -> bool:
        return self.entries <= MAX_LISTED_ENTRIES and self.size <= MAX_LISTED_DIRECTORY_BYTES


def read_zip_directory(path: Path) -> ZipDirectory | None:
    """The end record's figures, or None when the file has no end record (not a readable zip)."""
    with path.open('rb') as file:
        length = file.seek(0, os.SEEK_END)
        file.seek(max(0, length - _END_RECORD.size - _MAX_COMMENT))
        tail = file.read()
    position = tail.rfind(_END_SIGNATURE)
    if position < 0 or position + _END_RECORD.size > len(tail):
        return None
    _, _, _, _, entries, size, offset, _ = _END_RECORD.unpack_from(tail, position)
    return ZipDirectory(entries, size, offset)


def directory_mentions(path: Path, directory: ZipDirectory, markers: Iterable[bytes]) -> bool:
    """True when any marker occurs in the directory's bytes, read in chunks (memory stays at ~1 MiB).

    A byte search, not a parse: an entry name that merely contains a marker counts too, which errs on the
    side of refusing.
    """
    wanted = tuple(markers)
    overlap = max(len(marker) for marker in wanted) - 1
    remaining = directory.size
    previous = b''
    with path.open('rb') as file:
        file.seek(directory.offset)
        while remaining > 0 and (chunk := file.read(min(_SCAN_CHUNK, remaining))):
            remaining -= len(chunk)
            window = previous + chunk
            if any(marker in window for marker in wanted):
                return True
            previous = window[-overlap:] if overlap else b''
    return False
