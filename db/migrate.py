"""Apply Alembic migrations programmatically (on start-up and by `python main.py migrate`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent / 'migrations'
MIGRATION_LOCK_KEY = 0x7465616D63686174  # "teamchat": any fixed 64-bit number that other advisory locks do not use


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS_DIR))
    config.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
    return config


def upgrade_to_head(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if connection.dialect.name == 'postgresql':
            # Several nodes may start at once: one migrates, the others wait here and then find nothing to do.
            # The lock is held until this transaction (PostgreSQL's DDL is transactional) commits.
            connection.execute(text('SELECT pg_advisory_xact_lock(:key)'), {'key': MIGRATION_LOCK_KEY})
        config.attributes['connection'] = connection
        command.upgrade(config, 'head')
