"""`users.setPhoto` / `users.deletePhoto`: the token's own profile picture, through the same actions as the UI."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile

from api.slack.errors import SlackError
from api.slack.registry import Args, Caller, Result, method
from state.actions.avatars import remove_avatar, set_avatar
from state.files.avatar_images import MAX_AVATAR_BYTES
from state.files.errors import BadImage, EmptyFile, FileTooLarge, UnsupportedFileType

# Slack's own codes for a picture it cannot take.
_CODES: tuple[tuple[type[Exception], str], ...] = (
    (FileTooLarge, 'too_large'),
    (EmptyFile, 'no_image_uploaded'),
    (UnsupportedFileType, 'bad_image'),
    (BadImage, 'bad_image'),
)


class PhotoArgs(Args):
    image: Any = None  # the multipart file part (a Starlette UploadFile)


@method('users.setPhoto', PhotoArgs, takes_file=True)
def set_photo(caller: Caller, args: PhotoArgs) -> Result:
    if not isinstance(args.image, UploadFile):
        raise SlackError('no_image_uploaded')
    data = args.image.file.read(MAX_AVATAR_BYTES + 1)  # one byte more than allowed is enough to refuse
    try:
        set_avatar(caller.me.user_id, data)
    except (FileTooLarge, EmptyFile, UnsupportedFileType, BadImage) as error:
        code = next(slack for kind, slack in _CODES if isinstance(error, kind))
        raise SlackError(code, error.message) from error
    return {}


class NoArgs(Args):
    pass


@method('users.deletePhoto', NoArgs)
def delete_photo(caller: Caller, args: NoArgs) -> Result:
    remove_avatar(caller.me.user_id)
    return {}
