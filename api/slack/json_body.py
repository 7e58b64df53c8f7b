"""A JSON request body as an argument dict, refused in Slack's terms when it is malformed.

Checked before any token or pydantic work: nesting beyond what any Slack call needs (blocks are a few levels
deep) would exhaust Python's recursion limit in `json` or pydantic, and lone surrogates ("\\ud800") parse fine
but fail later wherever the text is encoded (hashing, the database, the response).
"""

from __future__ import annotations

import json
from typing import Any

from api.slack.errors import SlackError

MAX_NESTING = 64


def json_args(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body.decode('utf-8'))  # strict UTF-8: json's own bytes decoding lets surrogates through
    except UnicodeDecodeError as error:
        raise SlackError('invalid_charset', 'The body is not valid UTF-8.') from error
    except RecursionError as error:
        raise SlackError('invalid_json', 'The JSON body is nested too deeply.') from error
    except ValueError as error:
        raise SlackError('invalid_json', 'The body is not valid JSON.') from error
    if not isinstance(parsed, dict):
        raise SlackError('invalid_arguments', 'The JSON body must be an object.')
    _check_values(parsed)
    return parsed


def _check_values(value: Any) -> None:
    """Depth and text of every key and value; iterative, as recursion would hit the very limit it guards."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_NESTING:
            raise SlackError('invalid_json', 'The JSON body is nested too deeply.')
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    try:
        text.encode('utf-8')
    except UnicodeEncodeError as error:
        raise SlackError('invalid_charset', 'The body has a lone surrogate in a string.') from error
