"""Engine and session setup. SQLite gets WAL, synchronous=FULL, foreign keys and a busy timeout; PostgreSQL
(psycopg 3) gets NUL-safe text parameters and a bounded connection pool (CHAT_DB_POOL_* settings)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psycopg.abc import Buffer
from psycopg.types.string import StrBinaryDumper, StrDumperUnknown
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from db.errors import DatabaseUnavailable, is_transient
from settings import get_settings

_engine: Engine | None = None


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=FULL')  # an acknowledged message survives a power loss
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.execute('PRAGMA busy_timeout=5000')
    cursor.close()


class _NulSafeText(StrDumperUnknown):
    """PostgreSQL text cannot hold NUL, which SQLite stores; send U+FFFD instead of failing the statement.

    So a NUL typed into a message or pasted into a URL behaves on PostgreSQL as on SQLite (stored, or simply
    not found) rather than raising DataError. Markdown rendering already shows NUL as U+FFFD.
    """

    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace('\x00', '\ufffd'))


class _NulSafeBinaryText(StrBinaryDumper):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace('\x00', '\ufffd'))


def _configure_postgresql(dbapi_connection: Any, _record: Any) -> None:
    # The text dumper is registered last so that it stays the default for str, as in psycopg itself.
    dbapi_connection.adapters.register_dumper(str, _NulSafeBinaryText)
    dbapi_connection.adapters.register_dumper(str, _NulSafeText)


def make_engine(url: str) -> Engine:
    if url.startswith('sqlite'):
        engine = create_engine(url, connect_args={'check_same_thread': False})
        event.listen(engine, 'connect', _configure_sqlite)
        return engine
    settings = get_settings()
    engine = create_engine(
        url,
        pool_pre_ping=True,  # a connection the server or a proxy closed is replaced, not handed to an action
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
        pool_use_lifo=True,  # reuse the warm connections, so idle ones beyond the need age out
    )
    if engine.dialect.driver == 'psycopg':
        event.listen(engine, 'connect', _configure_postgresql)
    return engine


def init_engine(url: str) -> Engine:
    """Create the process-wide engine (called once at start-up, and by tests per case)."""
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = make_engine(url)
    return _engine


def dispose_engine() -> None:
    """Close the process-wide engine's pooled connections (tests drop their database afterwards)."""
    global _engine
    if _engine is not None:
        _engine.dispose()
        _engine = None


def get_engine() -> Engine:
    if _engine is None:
        raise RuntimeError('database engine not initialised; call db.engine.init_engine() first')
    return _engine


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any exception.

    A lock held past the busy timeout, a full disk or a lost connection becomes `DatabaseUnavailable`.
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except DBAPIError as error:
            session.rollback()
            if is_transient(error):
                raise DatabaseUnavailable(DatabaseUnavailable.message) from error
            raise
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for queries only; nothing it holds is committed."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def session_or_read(session: Session | None) -> Iterator[Session]:
    """The caller's session when it passes one (an action reading inside its transaction), else a read session."""
    if session is not None:
        yield session
    else:
        with read_session() as own:
            yield own
