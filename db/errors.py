"""Database faults that are nobody's mistake and pass: a write lock held too long, a full disk, a lost server.

`session_scope` turns them into `DatabaseUnavailable`, so callers answer "busy, try again" (the UI marks a
send as failed with Retry, the Web API answers 503 with Retry-After) instead of a traceback. Nothing was
committed when it is raised, so nothing acknowledged is lost.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# SQLite says these in its messages; PostgreSQL's connection and lock faults are OperationalErrors too.
_SQLITE_TRANSIENT = ('database is locked', 'database is busy', 'database or disk is full', 'disk i/o error')


class DatabaseUnavailable(Exception):
    """The database could not take this transaction now; the same request may succeed in a moment."""

    message = 'The server is busy right now; nothing was saved. Please try again in a moment.'


def is_transient(error: DBAPIError) -> bool:
    if not isinstance(error, OperationalError):
        return False
    text = str(error.orig).lower()
    dialect_is_sqlite = type(error.orig).__module__.startswith('sqlite3')
    return not dialect_is_sqlite or any(phrase in text for phrase in _SQLITE_TRANSIENT)
