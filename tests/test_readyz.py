"""`/readyz`: 200 when the database answers (and the bus is connected when Redis is configured), else 503
naming what is not ready; `/healthz` keeps answering (liveness) through a database outage."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing import User
from sqlmodel import create_engine

from db import health
from settings import reset_settings_cache
from state.bus import bus
from state.bus_redis import RedisBackend


def database_down(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The readiness probe's engine points at a database that cannot be opened (its directory is gone): a real
    connection failure, confined to the probe so the rest of the app keeps its own database."""
    unreachable = create_engine(f'sqlite:///{tmp_path / "gone" / "chat.db"}')
    monkeypatch.setattr(health, 'get_engine', lambda: unreachable)


async def test_ready_when_the_database_answers(user: User) -> None:
    response = await user.http_client.get('/readyz')
    assert response.status_code == 200
    assert response.json() == {'status': 'ready'}


async def test_a_database_outage_is_503_naming_the_database(
    user: User, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with monkeypatch.context() as patched:
        database_down(patched, tmp_path)
        response = await user.http_client.get('/readyz')
        assert response.status_code == 503
        assert response.json() == {'status': 'not ready', 'failing': ['database']}
        assert (await user.http_client.get('/healthz')).status_code == 200  # alive, only not ready
    assert (await user.http_client.get('/readyz')).status_code == 200  # back as soon as it answers


async def test_a_hanging_database_is_not_ready_after_the_timeout(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from state import readiness

    release = threading.Event()
    monkeypatch.setattr(readiness, 'DATABASE_TIMEOUT_SECONDS', 0.2)
    monkeypatch.setattr(readiness, 'database_answers', lambda: release.wait(10) and False)
    try:
        response = await user.http_client.get('/readyz')
    finally:
        release.set()
    assert response.status_code == 503
    assert response.json()['failing'] == ['database']


async def test_with_redis_configured_a_disconnected_bus_is_not_ready(
    user: User, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv('CHAT_REDIS_URL', 'redis://127.0.0.1:1/0')
    reset_settings_cache()
    assert (await user.http_client.get('/readyz')).status_code == 200  # the in-process bus is always connected
    with monkeypatch.context() as patched:  # undone before the app stops (it would stop this backend)
        patched.setattr(bus, 'backend', RedisBackend('redis://127.0.0.1:1/0'))  # never started: not subscribed
        response = await user.http_client.get('/readyz')
        assert response.status_code == 503
        assert response.json() == {'status': 'not ready', 'failing': ['bus']}
        database_down(patched, tmp_path)
        both = await user.http_client.get('/readyz')
        assert both.json()['failing'] == ['database', 'bus']
