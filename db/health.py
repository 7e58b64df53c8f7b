"""Does the database answer? One trivial query, for `/readyz` (never raises)."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from db.engine import get_engine

log = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with get_engine().connect() as connection:
            connection.execute(text('SELECT 1'))
    except (SQLAlchemyError, OSError, RuntimeError) as error:  # RuntimeError: no engine yet (still starting)
        log.warning('readiness: the database does not answer (%s)', type(error).__name__)
        return False
    return True
