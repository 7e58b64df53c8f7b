"""Names of the full-text search index, which lives outside the SQLModel tables (see its migration).

SQLite keeps it in an FTS5 table (plus the shadow tables FTS5 makes) filled by triggers; PostgreSQL in a GIN
expression index. Alembic's autogenerate must not try to drop them, so it asks `in_models_or_index`.
"""

from __future__ import annotations

FTS_TABLE = 'messages_fts'
FTS_TRIGGERS = ('messages_fts_insert', 'messages_fts_delete', 'messages_fts_update')
POSTGRESQL_INDEX = 'ix_messages_body_search'
# The text search configuration of the PostgreSQL index; a query must use the same expression to use it.
POSTGRESQL_TSVECTOR = "to_tsvector('simple'::regconfig, body)"


def is_search_index(name: str | None) -> bool:
    return name is not None and (name in (POSTGRESQL_INDEX, FTS_TABLE) or name.startswith(f'{FTS_TABLE}_'))


def in_models_or_index(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic `include_name` hook: compare everything except the search index, which no model describes."""
    return not (type_ in ('table', 'index') and is_search_index(name))
