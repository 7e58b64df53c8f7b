"""Where avatar pictures live: `<data dir>/avatars/<user id>/<version>/<size>.png`, and their URLs.

A new picture is written under a new version before the database names it, so a failed commit leaves the
current picture untouched; the older versions are removed after the commit. URLs carry the version
(`?v=`), so browsers cache a picture forever and fetch the new one as soon as the version changes.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from settings import get_settings


def avatars_root() -> Path:
    return get_settings().data_dir / 'avatars'


def avatar_file(user_id: int, version: int, size: int) -> Path:
    return avatars_root() / str(user_id) / str(version) / f'{size}.png'


def avatar_url(user_id: int, version: int, size: int, base_url: str = '') -> str:
    return f'{base_url.rstrip("/")}/avatars/{user_id}/{size}.png?v={version}'


def new_version(user_id: int) -> int:
    """A version larger than any earlier one of this person (milliseconds, so it also survives a removal)."""
    version = time.time_ns() // 1_000_000
    while (avatars_root() / str(user_id) / str(version)).exists():
        version += 1
    return version


def write_version(user_id: int, version: int, sizes: dict[int, bytes]) -> None:
    folder = avatars_root() / str(user_id) / str(version)
    folder.mkdir(parents=True, exist_ok=True)
    for size, data in sizes.items():
        temporary = folder / f'.{size}.png.tmp'
        temporary.write_bytes(data)
        os.replace(temporary, folder / f'{size}.png')  # a reader never sees half a file


def remove_versions(user_id: int, keep: int | None) -> None:
    """Remove every stored version of this person's picture except `keep`."""
    folder = avatars_root() / str(user_id)
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.name != str(keep):
            shutil.rmtree(child, ignore_errors=True)


def remove_version(user_id: int, version: int) -> None:
    shutil.rmtree(avatars_root() / str(user_id) / str(version), ignore_errors=True)
