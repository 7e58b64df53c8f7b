"""File attachments in the UI: the uploader the composer hosts, and URL helpers for rendering attachments.

The composer places an `AttachmentUploader` in its button bar; the channel pane passes itself as the drop
zone. Sending reads `pending_ids()` into `send_message(..., attachment_ids=...)` and calls `clear_pending()` once the
message is accepted. The message list renders `MessageView.attachments` itself (message_files.js): an image
(`has_thumbnail`) as `<a data-testid="attachment" data-kind="image" href=url target=_blank><img src=thumb_url
width height></a>` with the thumbnail box from `thumbnail_size`; anything else as a card `<a
data-testid="attachment" data-kind="file" href=url>` with name, size and type. `file_urls` gives the same URLs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from urllib.parse import quote

from nicegui import ui
from nicegui.events import GenericEventArguments
from pydantic import ValidationError

from components import stylesheets
from components.event_args import count_arg, text_arg
from settings import get_settings
from state.actions.uploads import discard_upload
from state.errors import NotFound
from state.events import AttachmentView
from state.files.csrf import upload_token
from state.files.images import thumbnail_size
from state.web_session import session_token

log = logging.getLogger(__name__)


def file_urls(view: AttachmentView) -> dict[str, str | int | None]:
    """Where the browser gets a file: `url` (opens or downloads it), and for images `thumb_url` plus the
    thumbnail box (`thumb_width`, `thumb_height`) to reserve so the list does not jump when it loads."""
    url = f'/files/{view.id}/{quote(view.name, safe="")}'
    if not view.has_thumbnail or not view.width or not view.height:
        return {'url': url, 'thumb_url': None, 'thumb_width': None, 'thumb_height': None}
    width, height = thumbnail_size(view.width, view.height)
    return {'url': url, 'thumb_url': f'/files/{view.id}/thumb', 'thumb_width': width, 'thumb_height': height}


def page_upload_token() -> str:
    """The CSRF token for this page's uploads. Call while the page is built (it reads the session cookie)."""
    token = session_token()
    return upload_token(token) if token is not None else ''


class AttachmentUploader(ui.element, component='attachment_uploader.js', dependencies=['chat_format.js']):
    """Attach button, drag and drop, paste, progress and the tray of pending uploads for one conversation."""

    def __init__(
        self,
        user_id: int,
        channel_id: int | None = None,
        *,
        drop_zone: ui.element | None = None,
        token: str | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """`drop_zone`: the element files may be dropped or pasted onto (default: the button itself).
        `token`: the page's upload token (default: `page_upload_token()`, so build this with the page).
        `on_change`: called when the pending files or the busy state change (e.g. to enable Send)."""
        super().__init__()
        stylesheets.link(stylesheets.ATTACHMENTS)
        self._user_id = user_id
        self._channel_id = channel_id
        self._pending: list[AttachmentView] = []
        self._uploading = 0
        self._on_change = on_change
        self.props['channel-id'] = channel_id
        self.props['token'] = page_upload_token() if token is None else token
        self.props['max-bytes'] = get_settings().max_upload_bytes
        if drop_zone is not None:
            drop_zone.props('data-attach-zone')
            self.props['drop-target'] = f'c{drop_zone.id}'
        self.on('uploaded', self._uploaded)
        self.on('removed', self._removed)
        self.on('busy', self._busy)

    @property
    def has_files(self) -> bool:
        return bool(self._pending)

    @property
    def is_busy(self) -> bool:
        """Uploads are still running: sending now would leave them out."""
        return self._uploading > 0

    def pending_ids(self) -> list[str]:
        return [view.id for view in self._pending]

    def pending(self) -> list[AttachmentView]:
        return list(self._pending)

    def clear_pending(self) -> None:
        """The message with the pending files was sent: empty the tray."""
        self._pending = []
        self.run_method('clear')
        self._changed()

    def set_channel(self, channel_id: int | None) -> None:
        """Follow another conversation; uploads not sent in the old one are discarded."""
        if channel_id == self._channel_id:
            return
        for view in self._pending:
            self._discard(view.id)
        self._pending = []
        self._uploading = 0
        self._channel_id = channel_id
        self.props['channel-id'] = channel_id
        self.update()
        self._changed()

    def _uploaded(self, e: GenericEventArguments) -> None:
        try:
            view = AttachmentView.model_validate(e.args['view'])
            channel_id = int(e.args['channel_id'])
        except (KeyError, TypeError, ValueError, ValidationError):
            log.warning('ignored a malformed upload event: %.200r', e.args)
            return
        if channel_id != self._channel_id:
            self._discard(view.id)  # finished after the user moved on to another conversation
            return
        self._pending.append(view)
        self._changed()

    def _removed(self, e: GenericEventArguments) -> None:
        public_id = text_arg(e, 'id')
        self._pending = [view for view in self._pending if view.id != public_id]
        self._discard(public_id)
        self._changed()

    def _busy(self, e: GenericEventArguments) -> None:
        self._uploading = count_arg(e, 'count')
        self._changed()

    def _discard(self, public_id: str) -> None:
        with contextlib.suppress(NotFound):  # already sent, already gone, or not this user's: nothing to do
            discard_upload(self._user_id, public_id)

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()
