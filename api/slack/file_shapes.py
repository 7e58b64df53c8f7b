"""Slack's file object, from a sent attachment and its conversation.

The id is `F` and the attachment's random public id (`api/slack/file_ids.py`), so it cannot be guessed.
`url_private*` are our download routes, which take the token as `Authorization: Bearer` (api/files.py);
`thumb_*` all name our one thumbnail. We keep no title: `title` is the file's name.
"""

from __future__ import annotations

from typing import Any

from api.slack.file_ids import file_sid
from api.slack.ids import channel_sid, ts_of, user_sid
from api.slack.permalinks import slack_permalink
from db.api_queries import message_ts_us
from db.file_queries import SharedFile
from db.models import ChannelKind
from state.files.names import extension_of

THUMB_SIZES = (64, 80, 160, 360, 480, 720, 800, 960, 1024)
# Slack's `filetype` for the types we accept; anything else is its extension, or "binary".
FILETYPES = {
    'image/png': 'png',
    'image/jpeg': 'jpg',
    'image/gif': 'gif',
    'image/webp': 'webp',
    'application/pdf': 'pdf',
    'text/plain': 'text',
    'text/csv': 'csv',
    'text/markdown': 'markdown',
    'application/zip': 'zip',
    'application/gzip': 'gzip',
    'application/x-tar': 'tar',
}


def file_json(shared: SharedFile, base_url: str, workspace_slug: str) -> dict[str, Any]:
    row, channel = shared.attachment, shared.channel
    root = base_url.rstrip('/')
    created = int(row.created_at.timestamp())
    download = f'{root}/files/{row.public_id}/{row.name}'
    kind = ChannelKind(channel.kind)
    where = channel_sid(channel.id or 0, kind)
    data: dict[str, Any] = {
        'id': file_sid(row.public_id),
        'created': created,
        'timestamp': created,
        'name': row.name,
        'title': row.name,
        'mimetype': row.mime,
        'filetype': FILETYPES.get(row.mime) or extension_of(row.name) or 'binary',
        'pretty_type': (FILETYPES.get(row.mime) or 'binary').upper(),
        'user': user_sid(row.uploader_id),
        'size': row.size,
        'mode': 'hosted',
        'is_external': False,
        'is_public': kind == ChannelKind.PUBLIC,
        'url_private': download,
        'url_private_download': download,
        'channels': [where] if kind == ChannelKind.PUBLIC else [],
        'groups': [where] if kind in (ChannelKind.PRIVATE, ChannelKind.GROUP) else [],
        'ims': [where] if kind == ChannelKind.DIRECT else [],
    }
    if row.message_id is not None:
        ts_us = message_ts_us(row.message_id)
        data['permalink'] = slack_permalink(base_url, where, ts_us)
        data['shares'] = _shares(kind, where, ts_us)
    if row.has_thumbnail:
        thumb = f'{root}/files/{row.public_id}/thumb'
        data.update({f'thumb_{size}': thumb for size in THUMB_SIZES})
    if row.width is not None and row.height is not None:
        data['original_w'], data['original_h'] = row.width, row.height
    return data


def _shares(kind: ChannelKind, where: str, ts_us: int) -> dict[str, Any]:
    scope = 'public' if kind == ChannelKind.PUBLIC else 'private'
    return {scope: {where: [{'ts': ts_of(ts_us)}]}}
