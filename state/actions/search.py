"""Search messages: validate the query, check the workspace, spend a rate-limit token, then read.

The query language and its parsing are in db/search_syntax.py, who may find what in db/search_queries.py.
A search changes nothing, so it publishes nothing.
"""

from __future__ import annotations

from db.engine import read_session
from db.models import fits_id
from db.search_queries import PAGE_SIZE, SearchPage, parse_search, search_messages, search_scope
from state.actions.guards import active_user, workspace_membership
from state.errors import InvalidInput, NotFound
from state.rate_limit import limiter

MAX_QUERY_CHARS = 200
WORKSPACE_NOT_FOUND = 'This workspace does not exist.'


def search(actor_id: int, workspace_id: int, query: str, *, before_id: int | None = None) -> SearchPage:
    """The newest matches (a page of PAGE_SIZE) that `actor_id` may read; `before_id` continues a result list."""
    text = _clean_query(query)
    if before_id is not None and not _is_cursor(before_id):
        raise InvalidInput('That is not a page of search results.')
    if not fits_id(workspace_id):
        raise NotFound(WORKSPACE_NOT_FOUND)
    with read_session() as session:
        active_user(session, actor_id)
        if workspace_membership(session, workspace_id, actor_id) is None:
            raise NotFound(WORKSPACE_NOT_FOUND)
    parsed = parse_search(text, actor_id, workspace_id)
    scope = search_scope(actor_id, workspace_id, parsed.channel_names)
    problems = parsed.errors + [f'You have no channel called #{name}.' for name in scope.missing]
    if problems:
        raise InvalidInput(problems[0])
    if not parsed.units and not parsed.has_filter:
        raise InvalidInput('Type a word to search for (letters or digits).')
    limiter.take('search', actor_id)
    return search_messages(actor_id, scope, parsed, before_id=before_id, limit=PAGE_SIZE)


def _is_cursor(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and fits_id(value)


def _clean_query(query: str) -> str:
    if not isinstance(query, str):
        raise InvalidInput('A search must be text.')
    text = query.strip()
    if not text:
        raise InvalidInput('Type something to search for.')
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(f'A search can be at most {MAX_QUERY_CHARS} characters long (this one has {len(text)}).')
    return text
