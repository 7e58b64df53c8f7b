"""A write load for backup tests: messages sent through the action in a thread, while a backup runs."""

from __future__ import annotations

import threading

from state.actions.messages import send_message
from state.rate_limit import exempt
from tests.factories import World


class Writer:
    """Sends messages through the action in a thread, keeping the ids the action acknowledged, in order."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.acked: list[int] = []
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._progress = threading.Condition()
        self._thread = threading.Thread(target=self._run, name='backup-test-writer', daemon=True)

    def _run(self) -> None:
        try:
            with exempt():
                n = 0
                while not self._stop.is_set():
                    n += 1
                    view = send_message(self.world.ada, self.world.general, f'load {n}', f'load-{n}')
                    with self._progress:
                        self.acked.append(view.id)
                        self._progress.notify_all()
        except BaseException as error:  # the test fails on it below
            self.error = error
            with self._progress:
                self._progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self._progress:
            assert self._progress.wait_for(lambda: len(self.acked) >= count or self.error is not None, timeout=30)
        assert self.error is None, self.error

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
