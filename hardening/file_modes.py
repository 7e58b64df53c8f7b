"""The data dir is private to the server's account: directories 0700, files 0600.

It holds the database (and its -wal/-shm), NiceGUI's user storage (raw session tokens), uploads and the
storage secret. A restrictive umask covers everything created from now on; `restrict` fixes what an
earlier version or another tool left readable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def restrict(*roots: Path) -> None:
    """Set the umask, then give each root and everything below it the private modes (symlinks left alone)."""
    os.umask(PRIVATE_UMASK)
    for root in roots:
        root.mkdir(parents=True, exist_ok=True)
        _set_mode(root)
        for path in root.rglob('*'):
            _set_mode(path)


def _set_mode(path: Path) -> None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return
    wanted = DIR_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
    if stat.S_IMODE(info.st_mode) != wanted:
        path.chmod(wanted)
