"""Shared fixtures: every test gets its own data dir and database, and starts with empty live state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from nicegui.testing import User

from db.engine import init_engine
from db.migrate import upgrade_to_head
from settings import get_settings, reset_settings_cache
from state.app_events import outbox
from state.bus import bus
from state.rate_limit import limiter
from state.stores import presence, roster, sidebar, typing
from state.stores.connections import registry as connections
from state.throttle import login_throttle, signup_throttle, taken_email_throttle
from tests import postgres_schemas
from tests.factories import RecordingBackend, World, build_world, recording_bus
from tests.slack_support import ApiWorld, SlackCaller, make_api_world


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data_dir = tmp_path / 'data'
    monkeypatch.setenv('CHAT_DATA_DIR', str(data_dir))
    monkeypatch.setenv('CHAT_STORAGE_SECRET', 'test-secret')
    monkeypatch.delenv('CHAT_DATABASE_URL', raising=False)
    monkeypatch.delenv('CHAT_REDIS_URL', raising=False)
    postgres_url = postgres_schemas.configured_url()
    if postgres_url:  # CHAT_TEST_DATABASE_URL: this test gets a fresh PostgreSQL schema instead of SQLite
        schema = postgres_schemas.create_schema(postgres_url)
        monkeypatch.setenv('CHAT_DATABASE_URL', postgres_schemas.schema_url(postgres_url, schema))
    reset_settings_cache()
    yield data_dir
    bus.clear()
    limiter.reset()
    sidebar.drop_all()  # live stores are module state: each test starts without typists, tabs or sidebars
    roster.drop_all()
    typing.store.clear()
    outbox.forget_all()  # ids repeat in each test's fresh database: a cached "workspace 1 has apps" must not leak
    presence.store.clear()
    connections.clear()  # tabs of the last test's simulated browsers
    login_throttle.reset()  # all simulated logins come from one IP; failures must not leak into later tests
    signup_throttle.reset()
    taken_email_throttle.reset()
    if postgres_url:
        postgres_schemas.drop_schema(postgres_url, schema)
    reset_settings_cache()


@pytest.fixture
def db(isolated_data_dir: Path) -> Iterator[None]:
    """A migrated, empty database for tests that do not start the app."""
    isolated_data_dir.mkdir(parents=True, exist_ok=True)
    engine = init_engine(get_settings().resolved_database_url)
    upgrade_to_head(engine)
    yield
    engine.dispose()


@pytest.fixture
def published(db: None) -> Iterator[RecordingBackend]:
    """The bus, started, recording every (topic, event) published during the test, in order."""
    with recording_bus() as backend:
        yield backend


@pytest.fixture
def world(db: None) -> World:
    """Ada (owner), Bob and Carl in one workspace, Eve in another, plus #secret and #side (see factories)."""
    return build_world()


@pytest.fixture
def api_world(user: User) -> ApiWorld:  # the `user` fixture has started the app and migrated its database
    return make_api_world()


@pytest.fixture
def slack(user: User) -> SlackCaller:
    """Calls the Web API in process, the way Slack's clients do (form fields, a Bearer token)."""
    return SlackCaller(user.http_client)
