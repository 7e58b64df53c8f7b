"""Upload errors. They are `InvalidInput`s with a user-facing message; the HTTP layer maps each to a status."""

from __future__ import annotations

from state.errors import InvalidInput


class FileTooLarge(InvalidInput):
    code = 'file_too_large'


class EmptyFile(InvalidInput):
    code = 'file_empty'


class UnsupportedFileType(InvalidInput):
    code = 'file_type_not_allowed'


class BadImage(InvalidInput):
    """A file that claims to be an image but cannot be decoded safely (damaged, or too many pixels)."""

    code = 'bad_image'


class UploadQuotaExceeded(InvalidInput):
    """The person's uploads that are waiting to be sent would go past `CHAT_MAX_PENDING_UPLOAD_BYTES`."""

    code = 'upload_quota_exceeded'
