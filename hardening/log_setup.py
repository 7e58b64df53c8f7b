"""The process's logging, configured once at server start: readable text by default, JSON lines on request.

`CHAT_LOG_FORMAT=json` writes one JSON object per line (python-json-logger) with `time`, `level`, `logger`,
`message`, the context of `hardening/log_context.py` (request id, user, workspace, node, and for live traffic
the topic and event kind) and, for errors, the traceback. The default text format carries the same fields as
`key=value` pairs. `CHAT_LOG_LEVEL` sets the root level (INFO by default, so INFO lines are no longer dropped).
Every line passes `SecretFilter` first: a token that made it into a message (an exception text quoting a URL)
is cut out before any handler sees it.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from hardening import log_context
from hardening.redaction import REDACTED

TEXT_FORMAT = '%(asctime)s %(levelname)-7s %(name)s: %(message)s%(context)s'
JSON_FIELDS = ('time', 'level', 'logger', 'message')
_HANDLER_NAME = 'teamchat'

# Credentials recognisable inside free text: our API tokens (`xoxb-…`, `xapp-…`, bare 43-character random
# tokens), bearer headers, and `token=…`-style pairs.
_SECRET_TEXT = re.compile(
    r'(?P<bare>\b(?:xox[a-z]|xapp)-[A-Za-z0-9_-]+|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-]))'
    r'|(?P<lead>Bearer +|(?<![A-Za-z0-9_])(?:access_token|token|ticket|secret|password)=)(?P<value>[^&\s"\']+)',
    re.IGNORECASE,
)


def _cut(match: re.Match[str]) -> str:
    return REDACTED if match.group('bare') else match.group('lead') + REDACTED


def redact_text(text: str) -> str:
    return _SECRET_TEXT.sub(_cut, text)


class ContextFilter(logging.Filter):
    """Puts the running log context on each record (as attributes, and as `context` text for the text format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        found = log_context.current()
        for name, value in found.items():
            if not hasattr(record, name):
                setattr(record, name, value)
        record.context = ''.join(f' {name}={value}' for name, value in found.items())
        return True


class SecretFilter(logging.Filter):
    """Cuts credentials out of the formatted message (and drops the arguments, so nothing formats them again)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class JsonLineFormatter(JsonFormatter):
    def __init__(self) -> None:
        super().__init__(
            '%(asctime)s %(levelname)s %(name)s %(message)s',
            rename_fields={'asctime': 'time', 'levelname': 'level', 'name': 'logger'},
            datefmt='%Y-%m-%dT%H:%M:%S%z',
        )

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.pop('context', None)  # the text format's rendering of the same fields
        if 'exc_info' in log_data:
            log_data['exc_info'] = redact_text(str(log_data['exc_info']))


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatException(self, ei: Any) -> str:
        return redact_text(super().formatException(ei))


def make_handler(log_format: str, stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(ContextFilter())
    handler.addFilter(SecretFilter())
    handler.setFormatter(JsonLineFormatter() if log_format == 'json' else TextFormatter())
    return handler


def configure(log_format: str, level: str, node: str, stream: Any = None) -> logging.Handler:
    """Install our one handler on the root logger (replacing an earlier one of ours; others stay)."""
    log_context.set_node(node)
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    handler = make_handler(log_format, stream)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # NiceGUI's and uvicorn's loggers propagate to the root; uvicorn's own access log is replaced by ours.
    for name in ('uvicorn', 'uvicorn.error', 'uvicorn.access'):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
