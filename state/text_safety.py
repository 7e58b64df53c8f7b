"""Characters that never belong in stored user text: control codes and bidirectional overrides.

C0/C1 controls (except tab and newline) can corrupt logs and terminals that show the text later, and the
bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) make text display in an order other
than the one it is stored in ("Trojan Source"), so a link or a name can look like another. Joiners (U+200C,
U+200D, used by emoji sequences and many scripts) and the plain direction marks (U+200E, U+200F) stay.
"""

from __future__ import annotations

import re

_KEPT_CONTROLS = '\t\n'
_BIDI_CONTROLS = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069'
_UNSAFE = re.compile(
    '[' + ''.join(chr(c) for c in range(0x20) if chr(c) not in _KEPT_CONTROLS) + '\x7f-\x9f' + _BIDI_CONTROLS + ']'
)


def strip_unsafe_characters(text: str) -> str:
    """`text` without control codes (a CRLF or lone CR becomes a newline) and without bidi overrides."""
    return _UNSAFE.sub('', text.replace('\r\n', '\n').replace('\r', '\n'))
