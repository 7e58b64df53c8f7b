"""Optional PostgreSQL backing for the fast suite: one fresh schema per test, selected through search_path.

Set CHAT_TEST_DATABASE_URL (e.g. postgresql+psycopg://chat:chat@127.0.0.1:55432/chat_test) to run the tests
against PostgreSQL; without it they run on SQLite in the temporary data dir as before.
"""

from __future__ import annotations

import itertools
import os

from sqlalchemy import text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from db.engine import dispose_engine

URL_VARIABLE = 'CHAT_TEST_DATABASE_URL'
# The pid keeps concurrent test runs against one server apart; the counter keeps tests apart.
_PREFIX = f'test_{os.getpid()}_'
_serial = itertools.count(1)
_admin: Engine | None = None


def configured_url() -> str | None:
    return os.environ.get(URL_VARIABLE) or None


def _admin_engine(base_url: str) -> Engine:
    global _admin
    if _admin is None:
        _admin = create_engine(base_url, poolclass=NullPool, isolation_level='AUTOCOMMIT')
    return _admin


def schema_url(base_url: str, schema: str) -> str:
    """The base URL with every connection confined to `schema` and labelled with it (to find leftovers)."""
    url: URL = make_url(base_url).update_query_dict({'options': f'-csearch_path={schema}', 'application_name': schema})
    return url.render_as_string(hide_password=False)


def create_schema(base_url: str) -> str:
    schema = f'{_PREFIX}{next(_serial)}'
    with _admin_engine(base_url).connect() as connection:
        connection.execute(text(f'CREATE SCHEMA {schema}'))
    return schema


def drop_schema(base_url: str, schema: str) -> None:
    """Close the app's connections, end any that a test leaked (they would hold locks), then drop."""
    dispose_engine()
    with _admin_engine(base_url).connect() as connection:
        connection.execute(
            text('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name'),
            {'name': schema},
        )
        connection.execute(text(f'DROP SCHEMA {schema} CASCADE'))
