"""What every log line says about where it came from: request id, user, workspace, node, topic and event kind.

The fields live in one context variable, so they follow the code that runs for one HTTP request, one socket
message or one bus delivery (asyncio copies the context into the tasks those start) and never leak to another.
The variable holds a small mutable `LogScope`: the access-log middleware opens one per request, and a page build
that runs deeper (in a task NiceGUI starts for it) fills in the user and workspace with `bind`, so the access line
written afterwards names them too. Socket handlers and bus deliveries open scopes of their own (`scope`), never
mutate an outer one: one websocket carries many messages, and one message's user must not stick to the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from typing import Any

FIELDS = ('request_id', 'user', 'workspace', 'client', 'topic', 'event')


@dataclass
class LogScope:
    request_id: str | None = None
    user: int | None = None
    workspace: str | None = None
    client: str | None = None  # the NiceGUI client (browser tab) a socket message came from
    topic: str | None = None
    event: str | None = None


_scope: ContextVar[LogScope | None] = ContextVar('log_scope', default=None)
_node = {'id': ''}  # this process's node name; set once by the logging set-up


def set_node(node: str) -> None:
    _node['id'] = node


def node() -> str:
    return _node['id']


def current() -> dict[str, Any]:
    """The fields of the running scope that are set, plus the node (a log record gets these)."""
    scope = _scope.get()
    found: dict[str, Any] = {'node': _node['id']} if _node['id'] else {}
    if scope is not None:
        for field in fields(scope):
            value = getattr(scope, field.name)
            if value is not None:
                found[field.name] = value
    return found


def bind(**values: Any) -> None:
    """Fill in fields of the running scope (a page build naming its user); starts one when none runs."""
    scope = _scope.get()
    if scope is None:
        _scope.set(LogScope(**values))
        return
    for name, value in values.items():
        setattr(scope, name, value)


@contextmanager
def scope(**values: Any) -> Iterator[LogScope]:
    """A scope of its own for a block: the outer fields, overridden by `values`; the outer one is untouched."""
    outer = _scope.get()
    inner = replace(outer, **values) if outer is not None else LogScope(**values)
    token = _scope.set(inner)
    try:
        yield inner
    finally:
        _scope.reset(token)
