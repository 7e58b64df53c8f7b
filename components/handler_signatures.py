"""A cached answer to NiceGUI's "does this handler take arguments?".

NiceGUI asks `inspect.signature` that question whenever it wires a callable up: for the change handler of
every observable of every element it builds (props, classes, style), for every event listener, and for each
event it handles. In a page build it was 12% of the time (the reconnect-storm profile in bench/RESULTS.md).
For a plain function the answer depends only on its code and which parameters have defaults, so it is kept
per code object: all closures made by one `lambda` share it. Anything else (partials, classes, builtins,
functions that carry `__wrapped__` or `__signature__`) is asked the slow way, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType, FunctionType, MethodType
from typing import Any

from seams.nicegui_internals import original_expects_arguments as _original
from seams.nicegui_internals import replace_expects_arguments

_cache: dict[tuple[CodeType, int, frozenset[str], bool], bool] = {}


def expects_arguments(func: Callable[..., Any]) -> bool:
    bound = isinstance(func, MethodType)
    target = func.__func__ if isinstance(func, MethodType) else func
    if type(target) is not FunctionType or hasattr(target, '__wrapped__') or hasattr(target, '__signature__'):
        return _original(func)
    key = (target.__code__, len(target.__defaults__ or ()), frozenset(target.__kwdefaults__ or ()), bound)
    answer = _cache.get(key)
    if answer is None:
        answer = _cache[key] = _original(func)
    return answer


def install() -> None:
    """Make NiceGUI ask the cached version (see `seams/nicegui_internals.py`)."""
    replace_expects_arguments(expects_arguments)
