"""One transaction and what it announces: events and follow-up work happen only once it has committed.

`with unit_of_work() as uow:` opens `db.engine.session_scope()`; code inside calls `uow.publish(topic, event)`
(or `after_commit(callback)`) as it changes things. When the block ends and the commit succeeds, the events go
out in one `bus.publish_many` call, in the order they were published, then the callbacks run. An exception
inside the block, or a failing commit, drops all of it. A helper deep in an action finds the unit from the
session it was given (`unit_of_work_of(session)`), so event lists need not be handed up by hand. Just before
the commit, the events some app may hear of are written to the outbox in the same transaction
(`state/app_events/outbox.py`), so the Events API loses none of them in a crash.

Every unit is timed into `chat_action_seconds{action}` (state/metrics.py), named after the function that opened
it: the actions open their units themselves, so this is where every action's cost shows without a decorator
on each of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import CodeType

from sqlmodel import Session

from db.engine import session_scope
from state import metrics
from state.app_events import outbox
from state.bus import bus
from state.events import Event

log = logging.getLogger(__name__)

_UNIT_KEY = 'unit_of_work'


class UnitOfWork:
    """The session of one transaction plus the events and callbacks waiting for its commit."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._events: list[tuple[str, Event]] = []
        self._callbacks: list[Callable[[], None]] = []
        self._open = True

    def publish(self, topic: str, event: Event) -> None:
        self._require_open()
        self._events.append((topic, event))

    def publish_many(self, items: Iterable[tuple[str, Event]]) -> None:
        self._require_open()
        self._events.extend(items)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed and its events are published."""
        self._require_open()
        self._callbacks.append(callback)

    def _require_open(self) -> None:
        if not self._open:  # it would be silently lost: the commit has already happened or failed
            raise RuntimeError('this unit of work has ended; publish inside its `with` block')

    def _stage_for_apps(self) -> None:
        """Inside the transaction, just before the commit: the events apps may hear of go to the outbox."""
        if self._events and outbox.stage(self.session, self._events):
            self._callbacks.append(outbox.wake)

    def _close(self) -> None:
        self._open = False

    def _release(self) -> None:
        bus.publish_many(self._events)
        for callback in self._callbacks:
            try:
                callback()
            except Exception:  # the change is committed either way; one failing follow-up must not stop the rest
                log.exception('after-commit callback %r failed', callback)


def unit_of_work() -> AbstractContextManager[UnitOfWork]:
    """One transaction whose events are published, and callbacks run, only after it commits."""
    code, module = metrics.caller_code()  # the action that opens it: the label of its timing
    return _unit_of_work(code, module)


@contextmanager
def _unit_of_work(code: CodeType, module: str) -> Iterator[UnitOfWork]:
    with metrics.timed_action(code, module):
        with session_scope() as session:
            unit = UnitOfWork(session)
            session.info[_UNIT_KEY] = unit
            try:
                yield unit
                unit._stage_for_apps()
            finally:
                unit._close()
        unit._release()  # reached only when the block and the commit succeeded


def unit_of_work_of(session: Session) -> UnitOfWork:
    """The unit of work a session belongs to (for helpers that are handed only the session)."""
    unit = session.info.get(_UNIT_KEY)
    if not isinstance(unit, UnitOfWork):
        raise LookupError('this session was not opened by unit_of_work()')
    return unit
