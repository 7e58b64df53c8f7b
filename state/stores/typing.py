"""Who is typing where: per channel and per thread, expiring 15 s after the last renewal.

The composer renews "typing" while keys are pressed (throttled) and says "stopped" when it is cleared or
sent. Changes go out as `TypingChanged` on `typing:{channel_id}`; expiry runs on the one app timer (`tick`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from state.bus import bus, typing_topic
from state.events import Event, TypingChanged
from state.rate_limit import limiter

TYPING_TTL_SECONDS = 15.0

Key = tuple[int, int | None]  # (channel id, thread root id or None for the channel itself)


@dataclass
class _Typist:
    name: str
    expires_at: float


class TypingStore:
    def __init__(self, clock: Callable[[], float] = time.monotonic, ttl: float = TYPING_TTL_SECONDS) -> None:
        self._clock = clock
        self._ttl = ttl
        self._typing: dict[Key, dict[int, _Typist]] = {}

    def typing_started(self, user_id: int, user_name: str, channel_id: int, thread_root_id: int | None = None) -> None:
        """Start or renew; only a start publishes, and starts beyond the typing rate limit are dropped."""
        typists = self._typing.setdefault((channel_id, thread_root_id), {})
        renewing = user_id in typists
        if not renewing and not limiter.allows('typing', user_id):
            if not typists:
                del self._typing[(channel_id, thread_root_id)]
            return
        typists[user_id] = _Typist(user_name, self._clock() + self._ttl)
        if not renewing:
            bus.publish(typing_topic(channel_id), _changed(channel_id, thread_root_id, user_id, user_name, True))

    def typing_stopped(self, user_id: int, channel_id: int, thread_root_id: int | None = None) -> None:
        key = (channel_id, thread_root_id)
        typists = self._typing.get(key)
        if not typists or user_id not in typists:
            return
        typist = typists.pop(user_id)
        if not typists:
            del self._typing[key]
        bus.publish(typing_topic(channel_id), _changed(channel_id, thread_root_id, user_id, typist.name, False))

    def typers(self, channel_id: int, thread_root_id: int | None = None) -> list[tuple[int, str]]:
        """(user id, name) of everyone typing there now, in the order they started."""
        return [(uid, typist.name) for uid, typist in self._typing.get((channel_id, thread_root_id), {}).items()]

    def everywhere(self) -> list[tuple[int, int | None, int, str, float]]:
        """(channel, thread root, user id, name, seconds left) of everyone typing anywhere, for the live inspector."""
        moment = self._clock()
        return [
            (channel_id, root_id, uid, typist.name, max(0.0, typist.expires_at - moment))
            for (channel_id, root_id), typists in self._typing.items()
            for uid, typist in typists.items()
        ]

    def tick(self, now: float | None = None) -> None:
        """Expire typists whose last renewal is older than the TTL (called by the app timer)."""
        moment = self._clock() if now is None else now
        expired: list[tuple[str, Event]] = []
        for key in list(self._typing):
            channel_id, thread_root_id = key
            typists = self._typing[key]
            for uid in [uid for uid, typist in typists.items() if typist.expires_at <= moment]:
                name = typists.pop(uid).name
                expired.append((typing_topic(channel_id), _changed(channel_id, thread_root_id, uid, name, False)))
            if not typists:
                del self._typing[key]
        bus.publish_many(expired)

    def clear(self) -> None:
        self._typing.clear()


def _changed(channel_id: int, thread_root_id: int | None, user_id: int, name: str, typing: bool) -> TypingChanged:
    return TypingChanged(
        channel_id=channel_id, thread_root_id=thread_root_id, user_id=user_id, user_name=name, typing=typing
    )


store = TypingStore()


def typing_started(user_id: int, user_name: str, channel_id: int, thread_root_id: int | None = None) -> None:
    store.typing_started(user_id, user_name, channel_id, thread_root_id)


def typing_stopped(user_id: int, channel_id: int, thread_root_id: int | None = None) -> None:
    store.typing_stopped(user_id, channel_id, thread_root_id)


def typers(channel_id: int, thread_root_id: int | None = None) -> list[tuple[int, str]]:
    return store.typers(channel_id, thread_root_id)
