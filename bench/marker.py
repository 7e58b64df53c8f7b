"""Message markers: each benchmark message carries its key and its send time, so any receiver can time it.

A marker is plain letters and digits (it survives markdown rendering and HTML escaping unchanged):
`BM` + key (`p<phase>w<worker>n<seq>`) + `T` + the sender's wall clock in microseconds. All processes run on
the same machine, so the receiver's clock minus the embedded one is the send-to-receive latency.
"""

from __future__ import annotations

import re
import time

MARK_RE = re.compile(r'BM(p(\d+)w\d+n\d+)T(\d{16})')


def now_us() -> int:
    return time.time_ns() // 1000


def make_key(phase: int, worker: int, seq: int) -> str:
    return f'p{phase}w{worker}n{seq}'


def make_text(key: str, sent_us: int, filler: str = '') -> str:
    """The message body: the marker plus filler text so payloads have a realistic size."""
    return f'BM{key}T{sent_us:016d} {filler}'.rstrip()


def find(raw: str, phase: int) -> dict[str, int]:
    """Distinct markers of this phase in one received frame: key -> send time (us)."""
    found: dict[str, int] = {}
    for key, marker_phase, sent in MARK_RE.findall(raw):
        if int(marker_phase) == phase:
            found[key] = int(sent)
    return found
