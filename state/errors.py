"""Typed errors raised by actions. Each carries a message that the UI and API show as they are."""

from __future__ import annotations


class ActionError(Exception):
    """Base class: the action changed nothing and published nothing."""

    code = 'invalid'  # also the Slack Web API `error` string where one fits

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(ActionError):
    code = 'invalid_arguments'


class NotFound(ActionError):
    """Also raised for things that exist but the actor may not see, so ids cannot be probed."""

    code = 'not_found'


class Forbidden(ActionError):
    code = 'not_allowed'


class Conflict(ActionError):
    code = 'conflict'


class RateLimited(ActionError):
    code = 'ratelimited'

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
