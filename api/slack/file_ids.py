"""Slack file ids: `F` and the attachment's random public id (the integer id never leaves the server)."""

from __future__ import annotations

FILE_PREFIX = 'F'
_PUBLIC_ID_MAX = 32


def file_sid(public_id: str) -> str:
    return FILE_PREFIX + public_id


def public_id_of(file_id: object) -> str | None:
    """The attachment public id an `F…` id names, or None when it cannot be one of ours."""
    if not isinstance(file_id, str) or not file_id.startswith(FILE_PREFIX):
        return None
    body = file_id[1:]
    if not 1 <= len(body) <= _PUBLIC_ID_MAX or not all(char.isalnum() or char in '-_' for char in body):
        return None
    return body
