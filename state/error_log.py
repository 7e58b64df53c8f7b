"""The last errors this node logged, for the live inspector: a ring buffer fed by a logging handler at ERROR.

The handler keeps the formatted line (secrets already cut by the process's filters when it runs behind them,
and cut again here) with its context fields, never the record itself (that would keep its traceback's frames
and everything they reference alive).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

from hardening import log_context
from hardening.log_setup import redact_text

KEPT = 50
_HANDLER_NAME = 'teamchat-errors'


@dataclass(frozen=True)
class LoggedError:
    at: float
    logger: str
    message: str
    context: str  # `key=value` pairs: request id, user, topic, ...
    exception: str  # the exception's last line, if any


class ErrorRing(logging.Handler):
    def __init__(self, kept: int = KEPT) -> None:
        super().__init__(level=logging.ERROR)
        self.set_name(_HANDLER_NAME)
        self.errors: deque[LoggedError] = deque(maxlen=kept)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            exception = ''
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                exception = f'{type(error).__name__}: {error}'[:300]
            context = ' '.join(f'{name}={value}' for name, value in log_context.current().items())
            self.errors.append(
                LoggedError(
                    record.created,
                    record.name,
                    redact_text(record.getMessage())[:500],
                    context,
                    redact_text(exception),
                )
            )
        except Exception:  # a logging handler must never raise into the code that logged
            self.handleError(record)

    def newest_first(self) -> list[LoggedError]:
        return list(reversed(self.errors))


ring = ErrorRing()


def install() -> None:
    """Feed the ring from the root logger (idempotent: the app starts more than once in tests)."""
    root = logging.getLogger()
    if ring not in root.handlers:
        root.addHandler(ring)
