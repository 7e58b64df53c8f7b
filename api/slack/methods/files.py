"""files.*: upload (v1 and the external three steps), info, list, delete.

Every upload goes through `state.actions.uploads.store_upload` (types, sizes, quota, image bounds, EXIF), and
is shared with a message (`send_message`). A file without a conversation goes to the uploader's note to self,
which is the nearest we have to Slack's private files. One conversation per upload: `channels` naming several
is refused (Slack would share copies). `title` is accepted and not kept (the name is the title).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, field_validator
from starlette.datastructures import UploadFile

from api.slack.cursors import cursor_position, page_metadata
from api.slack.errors import SlackError
from api.slack.file_ids import file_sid, public_id_of
from api.slack.file_shapes import file_json
from api.slack.ids import channel_id_of, user_id_of
from api.slack.lookup import conversation, message_in
from api.slack.registry import Args, Caller, Result, method
from api.slack.upload_route import upload_url
from db.file_queries import SharedFile, files_page, readable_file
from state.actions.api_uploads import complete_uploads, note_to_self, reserve_upload
from state.actions.channels import open_direct
from state.actions.file_delete import delete_file
from state.actions.messages import send_message
from state.actions.tokens import TokenIdentity
from state.actions.uploads import store_upload
from state.events import MessageView

MAX_LIST = 1000
# Slack's `types` filter; those we hold no such files for (posts, snippets, canvases) match nothing.
TYPE_MIMES: dict[str, frozenset[str] | None] = {
    'all': None,
    'images': None,  # image/* (see files_page's image_only)
    'pdfs': frozenset({'application/pdf'}),
    'zips': frozenset({'application/zip', 'application/gzip', 'application/x-tar'}),
    'spaces': frozenset(),
    'snippets': frozenset(),
    'gdocs': frozenset(),
}


class UploadUrlArgs(Args):
    filename: str = Field(min_length=1, max_length=1000)
    length: int
    alt_txt: str = Field(default='', max_length=1000)
    snippet_type: str = ''


@method('files.getUploadURLExternal', UploadUrlArgs)
def get_upload_url(caller: Caller, args: UploadUrlArgs) -> Result:
    me = caller.me
    slot = reserve_upload(me.user_id, me.workspace_id, args.filename, args.length)
    return {'upload_url': upload_url(caller.base_url, slot.secret), 'file_id': file_sid(slot.public_id)}


class CompleteArgs(Args):
    files: list[dict[str, Any]]
    channel_id: str | None = None
    channels: str | None = None
    initial_comment: str = ''
    thread_ts: str | None = None

    @field_validator('files', mode='before')
    @classmethod
    def _json_list(cls, value: object) -> object:
        """Form clients send `files` as a JSON string, JSON clients as an array."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as error:
                raise ValueError('files must be a JSON array of {"id", "title"} objects') from error
        return value


@method('files.completeUploadExternal', CompleteArgs)
def complete_upload(caller: Caller, args: CompleteArgs) -> Result:
    me = caller.me
    public_ids = [public_id_of(item.get('id')) for item in args.files]
    if not public_ids or any(pid is None for pid in public_ids):
        raise SlackError('file_not_found')
    channel_id, thread_root_id = _destination(me, args.channel_id or args.channels, args.thread_ts)
    found = [pid for pid in public_ids if pid]
    view = complete_uploads(me.user_id, me.workspace_id, found, channel_id, args.initial_comment, thread_root_id)
    return {'files': _shared_files(caller, view)}


class UploadArgs(Args):
    file: Any = None  # the multipart file part (a Starlette UploadFile)
    content: str | None = None
    filename: str = ''
    filetype: str = ''
    title: str = ''
    channels: str | None = None
    initial_comment: str = ''
    thread_ts: str | None = None


@method('files.upload', UploadArgs, takes_file=True)
def upload(caller: Caller, args: UploadArgs) -> Result:
    me = caller.me
    if isinstance(args.file, UploadFile):
        name = args.filename or args.file.filename or 'file'
        source: Any = args.file.file
        declared = args.file.content_type
    elif args.content is not None and args.content != '':
        name, source, declared = args.filename or 'file.txt', [args.content.encode('utf-8')], 'text/plain'
    else:
        raise SlackError('no_file_data')
    channel_id, thread_root_id = _destination(me, args.channels, args.thread_ts)
    target = channel_id if channel_id is not None else note_to_self(me.user_id, me.workspace_id)
    stored = store_upload(me.user_id, target, name, source, declared)
    view = send_message(me.user_id, target, args.initial_comment, None, thread_root_id, attachment_ids=[stored.id])
    return {'file': _shared_files(caller, view)[0]}


class FileArgs(Args):
    file: str


@method('files.info', FileArgs)
def info(caller: Caller, args: FileArgs) -> Result:
    shared = _readable(caller.me, args.file)
    data = file_json(shared, caller.base_url, caller.me.workspace_slug)
    return {'file': data, 'comments': [], 'paging': _paging(1, 1, 1)}


class ListArgs(Args):
    channel: str | None = None
    user: str | None = None
    types: str = 'all'
    count: int = Field(default=100, ge=1, le=MAX_LIST)
    page: int = Field(default=1, ge=1, le=100)
    limit: int | None = Field(default=None, ge=0, le=MAX_LIST)  # with `cursor`: keyset pages
    cursor: str | None = None


@method('files.list', ListArgs)
def list_files(caller: Caller, args: ListArgs) -> Result:
    me = caller.me
    channel_id = conversation(me, args.channel).channel.id if args.channel else None
    uploader_id = user_id_of(args.user) if args.user else None
    if args.user and uploader_id is None:
        raise SlackError('user_not_found')
    kinds = [part.strip() for part in args.types.split(',') if part.strip()] or ['all']
    if any(kind not in TYPE_MIMES for kind in kinds):
        raise SlackError('invalid_types')
    image_only = kinds == ['images']
    mimes: set[str] | None = None
    if 'all' not in kinds and not image_only:
        mimes = set().union(*(TYPE_MIMES[kind] or set() for kind in kinds))

    def page_of(before_id: int | None, size: int) -> Any:
        return files_page(
            me.user_id,
            me.workspace_id,
            channel_id=channel_id,
            uploader_id=uploader_id,
            mimes=mimes,
            image_only=image_only,
            before_id=before_id,
            limit=size,
        )

    if args.cursor is not None or args.limit is not None:  # Slack's newer cursor paging
        page = page_of(cursor_position(args.cursor), args.limit or 100)
        files = [file_json(shared, caller.base_url, me.workspace_slug) for shared in page.items]
        return {'files': files, 'response_metadata': page_metadata(page.next_position)}
    # Classic count/page: walk the keyset pages (page is capped, so this stays small).
    before: int | None = None
    items: list[SharedFile] = []
    for _ in range(args.page):
        page = page_of(before, args.count)
        items = page.items
        before = page.next_position
        if before is None:
            break
    reached_last = before is None
    files = [file_json(shared, caller.base_url, me.workspace_slug) for shared in items]
    pages = args.page if reached_last else args.page + 1
    return {'files': files, 'paging': _paging(args.count, len(files), args.page, pages)}


@method('files.delete', FileArgs)
def delete(caller: Caller, args: FileArgs) -> Result:
    public_id = public_id_of(args.file)
    if public_id is None:
        raise SlackError('file_not_found')
    delete_file(caller.me.user_id, public_id)
    return {}


def _readable(me: TokenIdentity, file_id: str) -> SharedFile:
    public_id = public_id_of(file_id)
    shared = readable_file(me.user_id, me.workspace_id, public_id) if public_id is not None else None
    if shared is None:
        raise SlackError('file_not_found')
    return shared


def _destination(me: TokenIdentity, channels: str | None, thread_ts: str | None) -> tuple[int | None, int | None]:
    """The conversation (None: the note to self) and thread root an upload is shared into."""
    wanted = [part.strip() for part in (channels or '').split(',') if part.strip()]
    if len(wanted) > 1:
        raise SlackError('invalid_arguments', 'Share an upload into one conversation at a time.')
    if not wanted:
        if thread_ts:
            raise SlackError('invalid_arguments', 'thread_ts needs a channel.')
        return None, None
    if channel_id_of(wanted[0]) is None and user_id_of(wanted[0]) is not None:
        other = user_id_of(wanted[0]) or 0
        return open_direct(me.user_id, me.workspace_id, [other]).id, None  # a user id shares into the DM
    access = conversation(me, wanted[0])
    if not access.is_member:
        raise SlackError('not_in_channel')
    root_id = None
    if thread_ts:
        root_id = message_in(access, thread_ts, missing='invalid_thread_ts').id
    return access.channel.id, root_id


def _shared_files(caller: Caller, view: MessageView) -> list[dict[str, Any]]:
    me = caller.me
    found = [readable_file(me.user_id, me.workspace_id, attachment.id) for attachment in view.attachments]
    return [file_json(shared, caller.base_url, me.workspace_slug) for shared in found if shared is not None]


def _paging(count: int, total: int, page: int, pages: int = 1) -> dict[str, int]:
    return {'count': count, 'total': total, 'page': page, 'pages': pages}
