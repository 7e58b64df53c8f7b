"""The one place where failures become Slack error codes.

Actions raise typed `ActionError`s; where a Slack code fits they carry it (`code='channel_not_found'`,
`'is_archived'`, `'msg_too_long'`, ...). Everything else falls back by class. The API's own checks (bad ids,
tokens, cursors) raise `SlackError` with the code directly.
"""

from __future__ import annotations

import math

from state.errors import ActionError, Conflict, Forbidden, InvalidInput, NotFound, RateLimited

# Codes our actions or the API layer may answer with, as Slack spells them.
SLACK_CODES = frozenset(
    {
        'not_authed',
        'invalid_auth',
        'account_inactive',
        'channel_not_found',
        'not_in_channel',
        'is_archived',
        'msg_too_long',
        'no_text',
        'message_not_found',
        'thread_not_found',
        'cant_update_message',
        'cant_delete_message',
        'already_reacted',
        'no_reaction',
        'too_many_reactions',
        'invalid_name',
        'name_taken',
        'user_not_found',
        'user_not_in_channel',
        'invalid_blocks',
        'ratelimited',
        'invalid_arguments',
        'invalid_json',
        'invalid_form_data',
        'invalid_charset',
        'internal_error',
        'invalid_cursor',
        'unknown_method',
        'restricted_action',
        'invalid_types',
        'invalid_ts_latest',
        'invalid_ts_oldest',
        'users_list_not_supplied',
        'cant_leave_general',
        'cant_archive_general',
        'already_archived',
        'not_archived',
        'method_not_supported_for_channel_type',
        'already_in_channel',
        'cant_invite_self',
        'no_user',
        'too_many_users',
        'invalid_timestamp',
        'bot_not_found',
        'invalid_presence',
        'file_not_found',
        'cant_delete_file',
        'upload_not_found',
        'invalid_length',
        'file_too_large',
        'file_empty',
        'file_type_not_allowed',
        'bad_image',
        'upload_quota_exceeded',
        'no_file_data',
        'invalid_thread_ts',
        'missing_scope',
        'users_not_found',
        'not_found',
        'cant_kick_self',
        'cant_kick_from_general',
        'too_long',
        'invalid_link',
        'invalid_name_specials',
        'not_authorized',
        'invalid_profile',
        'cannot_update_admin_user',
        'invalid_emoji',
        'invalid_bookmark_type',
        'too_many_bookmarks',
        'time_in_past',
        'time_too_far',
        'invalid_time',
        'invalid_scheduled_message_id',
        'already_pinned',
        'no_pin',
        'too_many_pins',
        'already_starred',
        'not_starred',
        'bad_item',
        'bad_timestamp',
    }
)

FALLBACK_CODES: tuple[tuple[type[ActionError], str], ...] = (
    (RateLimited, 'ratelimited'),
    (InvalidInput, 'invalid_arguments'),
    (NotFound, 'not_found'),
    (Forbidden, 'restricted_action'),
    (Conflict, 'invalid_arguments'),
)


class SlackError(Exception):
    """A refusal decided by the API layer itself; `detail` is a human-readable note (optional)."""

    def __init__(self, code: str, detail: str = '') -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def slack_code(error: ActionError) -> str:
    if error.code in SLACK_CODES:
        return error.code
    for kind, code in FALLBACK_CODES:
        if isinstance(error, kind):
            return code
    return 'invalid_arguments'


def retry_after_seconds(error: RateLimited) -> int:
    """Slack's Retry-After is whole seconds; never 0, or a client would retry at once."""
    return max(1, math.ceil(error.retry_after))
