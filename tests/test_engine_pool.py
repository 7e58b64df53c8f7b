"""The PostgreSQL pool follows the CHAT_DB_POOL_* settings (no server needed: the engine connects lazily)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.pool import QueuePool

from db.engine import make_engine
from settings import reset_settings_cache


@pytest.fixture
def pool_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv('CHAT_DB_POOL_SIZE', '4')
    monkeypatch.setenv('CHAT_DB_MAX_OVERFLOW', '6')
    monkeypatch.setenv('CHAT_DB_POOL_TIMEOUT', '3')
    monkeypatch.setenv('CHAT_DB_POOL_RECYCLE', '600')
    reset_settings_cache()
    yield
    monkeypatch.undo()
    reset_settings_cache()


def test_postgresql_gets_a_bounded_pool_from_the_settings(pool_settings: None) -> None:
    engine = make_engine('postgresql+psycopg://chat:chat@127.0.0.1:1/chat')
    pool = engine.pool
    assert isinstance(pool, QueuePool)
    assert (pool.size(), pool._max_overflow, pool._timeout, pool._recycle) == (4, 6, 3.0, 600.0)
    assert pool._pre_ping
    engine.dispose()
