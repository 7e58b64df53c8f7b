"""The cached "does this handler take arguments?" gives NiceGUI's own answer for every kind of callable."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from components import handler_signatures
from components.handler_signatures import expects_arguments


class Thing:
    def plain(self) -> None: ...

    def takes(self, event: object) -> None: ...

    def optional(self, event: object = None) -> None: ...


def takes_one(event: object) -> None: ...


def takes_any(*args: Any, **kwargs: Any) -> None: ...


def keyword_only(*, event: object) -> None: ...


def keyword_default(*, event: object = None) -> None: ...


@functools.wraps(takes_one)
def wrapper(*args: Any, **kwargs: Any) -> None: ...


def closures() -> list[Callable[..., Any]]:
    made: list[Callable[..., Any]] = []
    for n in range(3):
        made.append(lambda e, n=n: n)  # same code, a default each time
        made.append(lambda n=n: n)
    return made


CALLABLES: list[Callable[..., Any]] = [
    Thing().plain,
    Thing().takes,
    Thing().optional,
    Thing.takes,
    takes_one,
    takes_any,
    keyword_only,
    keyword_default,
    wrapper,
    functools.partial(takes_one, None),
    Thing,
    print,
    lambda: None,
    lambda e: None,
    *closures(),
]


@pytest.mark.parametrize('func', CALLABLES)
def test_same_answer_as_nicegui(func: Callable[..., Any]) -> None:
    assert expects_arguments(func) is handler_signatures._original(func)
    assert expects_arguments(func) is handler_signatures._original(func)  # and again, from the cache


def test_closures_of_one_lambda_share_one_entry() -> None:
    handler_signatures._cache.clear()
    for func in closures():
        expects_arguments(func)
    assert len(handler_signatures._cache) == 2


def test_installed_for_nicegui() -> None:
    from nicegui import helpers

    handler_signatures.install()
    assert helpers.expects_arguments is expects_arguments
