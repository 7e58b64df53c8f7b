"""The table of Web API methods: name -> argument model and handler. Method modules register themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from state.actions.apps import AppSummary
from state.actions.tokens import TokenIdentity


class Args(BaseModel):
    """Base of every method's arguments: unknown ones (Slack has many we ignore) are dropped."""

    model_config = ConfigDict(extra='ignore', str_strip_whitespace=False)


class NoArgs(Args):
    """For methods that take no arguments (anything sent is ignored)."""


@dataclass(frozen=True)
class Caller:
    identity: TokenIdentity | None  # None for methods that need no token (api.test) or an app-level token
    base_url: str  # this server's public root, for auth.test's `url`
    app: AppSummary | None = None  # the app behind an app-level token (`xapp-…`), for `app_token` methods

    @property
    def me(self) -> TokenIdentity:
        if self.identity is None:
            raise AssertionError('this method requires a token')
        return self.identity


Result = dict[str, Any]
Handler = Callable[[Caller, Any], Result]
A = TypeVar('A', bound=Args)


@dataclass(frozen=True)
class Method:
    name: str
    args: type[Args]
    handler: Handler
    needs_token: bool
    app_token: bool = False  # takes an app-level token (`xapp-…`) instead of a user or bot token
    takes_file: bool = False  # multipart file parts are accepted (files.upload); other methods refuse them


METHODS: dict[str, Method] = {}


def method(
    name: str, args: type[A], *, needs_token: bool = True, app_token: bool = False, takes_file: bool = False
) -> Callable[[Callable[[Caller, A], Result]], Callable[[Caller, A], Result]]:
    """Register `handler` as the Web API method `name` (e.g. 'chat.postMessage'); `app_token=True` for the
    few methods that take an app-level token (apps.connections.open)."""

    def register(handler: Callable[[Caller, A], Result]) -> Callable[[Caller, A], Result]:
        METHODS[name] = Method(name, args, handler, needs_token, app_token, takes_file)
        return handler

    return register
