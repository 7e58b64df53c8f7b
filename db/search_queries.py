"""Full-text message search (read-only): who may find what, the index query, and the hits as the UI shows them.

A user finds messages in the channels they may read in one workspace: the conversations they are a member
of (private channels and DMs included) and every public channel of the workspace, joined or not, as Slack
does. Never another workspace, never a private conversation they are not in. Deleted messages never show.

The index: SQLite FTS5 `messages_fts` (external content, kept by triggers), PostgreSQL a GIN index on
to_tsvector('simple', body). Both are asked for the newest matches first and paged by id (`id < before`),
never ranked: ranking a very common word reads every match, while "newest 20" stops early.
Tokens come from db/search_syntax.py (letters and digits only) and are quoted here, so typed text can never
become index syntax.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from db.authz import people_visible_to, readable_in_workspace
from db.engine import read_session
from db.models import DIRECT_KINDS, Channel, ChannelKind, ChannelMember, Message, User, WorkspaceMember
from db.search_index import FTS_TABLE, POSTGRESQL_TSVECTOR
from db.search_snippet import snippet_html
from db.search_syntax import TOKEN_RE, ParsedQuery, Unit, fold, parse, quoted_end

PAGE_SIZE = 20
INDEXED_PREFIX = 3  # the FTS5 table keeps 2- and 3-letter prefixes (see the migration)
PREFIX_SCAN = 300  # candidate rows read for a longer prefix before asking the index for the prefix itself


@dataclass(frozen=True)
class SearchHit:
    message_id: int
    channel_id: int
    channel_kind: ChannelKind
    channel_label: str  # "#general", or the other people's names for a direct conversation
    thread_root_id: int | None  # set for thread replies: the result opens that thread
    author_id: int
    author_name: str
    created_at: datetime
    snippet_html: str  # escaped text with the matched words in <mark>


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    next_before_id: int | None  # pass as `before_id` for the next (older) page; None when there is none


@dataclass(frozen=True)
class SearchScope:
    """The channels a search may look in (id -> channel), and in: names that matched no readable channel."""

    channels: dict[int, Channel]
    missing: list[str]


# ---- parsing with the workspace's people -----------------------------------------------------------------


def parse_search(text_: str, user_id: int, workspace_id: int) -> ParsedQuery:
    """The query with its `from:` people resolved among the workspace's members."""
    return parse(text_, _PersonMatcher(user_id, workspace_id))


class _PersonMatcher:
    """from:me, from:"Full Name", from:Full Name (the longest member name written there), from:ada (first name
    or the name without spaces). Names only, never e-mail addresses: a search must not confirm who has which
    address. Loads the members on first use only."""

    def __init__(self, user_id: int, workspace_id: int) -> None:
        self.user_id = user_id
        self.workspace_id = workspace_id
        self._people: list[tuple[int, str]] | None = None  # (id, display name)

    def people(self) -> list[tuple[int, str]]:
        if self._people is None:
            with read_session() as session:
                rows = session.exec(
                    select(User.id, User.display_name)
                    .join(WorkspaceMember, col(WorkspaceMember.user_id) == col(User.id))
                    .where(
                        WorkspaceMember.workspace_id == self.workspace_id,
                        people_visible_to(session, self.user_id, self.workspace_id),  # a guest: their channels'
                    )
                ).all()
            self._people = [(int(uid), name) for uid, name in rows if uid is not None]
        return self._people

    def __call__(self, text_: str, start: int) -> tuple[tuple[int, ...], int] | None:
        if text_[start] == '"':
            end = quoted_end(text_, start)
            wanted = text_[start + 1 : end].rstrip('"').strip().casefold()
            ids = tuple(uid for uid, name in self.people() if name.casefold() == wanted)
            return (ids, end) if ids and wanted else None
        if text_[start : start + 2].lower() == 'me' and _boundary(text_, start + 2):
            return (self.user_id,), start + 2
        by_length = sorted(self.people(), key=lambda person: -len(person[1]))
        for _uid, name in by_length:
            end = start + len(name)
            if name and text_[start:end].casefold() == name.casefold() and _boundary(text_, end):
                ids = tuple(uid for uid, other in self.people() if other.casefold() == name.casefold())
                return ids, end
        end = start
        while end < len(text_) and not text_[end].isspace():
            end += 1
        word = text_[start:end].casefold()
        ids = tuple(
            uid
            for uid, name in self.people()
            if word in (name.casefold().replace(' ', ''), name.casefold().split(' ')[0])
        )
        return (ids, end) if ids else None


def _boundary(text_: str, position: int) -> bool:
    return position >= len(text_) or text_[position].isspace()


# ---- where a user may search -----------------------------------------------------------------------------

# Built once (with bind parameters): building the read rule's expression costs more than running it.
_SCOPE = select(Channel).where(readable_in_workspace(bindparam('reader_id'), bindparam('workspace_id')))


def search_scope(user_id: int, workspace_id: int, channel_names: Sequence[str] = ()) -> SearchScope:
    """The readable channels of the workspace (db/authz.py's read rule), narrowed to `channel_names` when the
    query has in: filters."""
    with read_session() as session:
        rows = session.exec(_SCOPE, params={'reader_id': user_id, 'workspace_id': workspace_id}).all()
    channels = {_id(channel.id): channel for channel in rows}
    if not channel_names:
        return SearchScope(channels, [])
    wanted = set(channel_names)
    narrowed = {cid: channel for cid, channel in channels.items() if channel.name in wanted}
    found = {channel.name for channel in narrowed.values()}
    return SearchScope(narrowed, [name for name in channel_names if name not in found])


# ---- the search ------------------------------------------------------------------------------------------


def search_messages(
    user_id: int,
    scope: SearchScope,
    query: ParsedQuery,
    *,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> SearchPage:
    """The newest `limit` readable messages matching `query` (older than `before_id` when given)."""
    if not scope.channels:
        return SearchPage([], None)
    with read_session() as session:
        connection = session.connection()
        ids = _matching_ids(connection, scope, query, before_id, limit + 1)
        hits = _hits(session, user_id, scope, query, ids[:limit])
    more = len(ids) > limit
    return SearchPage(hits, hits[-1].message_id if more and hits else None)


def _matching_ids(
    connection: Connection, scope: SearchScope, query: ParsedQuery, before_id: int | None, limit: int
) -> list[int]:
    where = ['m.channel_id IN :channels', 'm.deleted_at IS NULL']
    params: dict[str, object] = {'channels': list(scope.channels), 'limit': limit}
    expanding = ['channels']
    if query.author_ids:
        where.append('m.author_id IN :authors')
        params['authors'] = sorted(query.author_ids)
        expanding.append('authors')
    dialect = connection.dialect.name
    if not query.units:  # filters only (from:, in:): the newest messages that pass them
        where.append("m.body <> ''")
        order = 'm.id'
        source = 'messages m'
    elif dialect == 'sqlite':
        return _sqlite_ids(connection, where, params, expanding, query.units, before_id, limit)
    else:
        where.append(f"{POSTGRESQL_TSVECTOR.replace('body', 'm.body')} @@ to_tsquery('simple', :tsquery)")
        params['tsquery'] = postgresql_tsquery(query.units)
        order = 'm.id'
        source = 'messages m'
    if before_id is not None:
        where.append(f'{order} < :before')
        params['before'] = before_id
    sql = f'SELECT m.id FROM {source} WHERE {" AND ".join(where)} ORDER BY {order} DESC LIMIT :limit'
    statement = text(sql).bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return [int(row[0]) for row in connection.execute(statement, params)]


def _sqlite_ids(
    connection: Connection,
    where: list[str],
    params: dict[str, object],
    expanding: list[str],
    units: list[Unit],
    before_id: int | None,
    limit: int,
) -> list[int]:
    """Ordering by the FTS rowid lets FTS5 walk its doclists newest first and stop after `limit` rows.

    Except for a prefix: FTS5 merges the whole doclist of every word with that prefix first (13 ms for a
    word in half of 1M messages). Up to 3 letters the prefix index answers at once. A longer typed-on word
    ("revi") is first looked for through its 3-letter prefix ("rev"*, which streams), checking the words of
    each candidate here; only when the first PREFIX_SCAN candidates hold too few matches, which means the
    longer prefix is a small share of them and so cheaper to merge, is the index asked for the prefix itself.
    """
    last = units[-1]
    if last.prefix and len(last.tokens) == 1 and len(last.tokens[0]) > INDEXED_PREFIX:
        wider = [*units[:-1], Unit((last.tokens[0][:INDEXED_PREFIX],), prefix=True)]
        wanted = fold(last.tokens[0])
        found: list[int] = []
        seen = 0
        for message_id, body in _fts_rows(connection, where, params, expanding, wider, before_id, PREFIX_SCAN, True):
            seen += 1
            if any(fold(word).startswith(wanted) for word in TOKEN_RE.findall(body)):
                found.append(message_id)
                if len(found) == limit:
                    return found  # rows stream newest first: the first `limit` matches are the answer
        if seen < PREFIX_SCAN:
            return found  # every candidate was checked
    return [message_id for message_id, _ in _fts_rows(connection, where, params, expanding, units, before_id, limit)]


def _fts_rows(
    connection: Connection,
    where: list[str],
    params: dict[str, object],
    expanding: list[str],
    units: list[Unit],
    before_id: int | None,
    limit: int,
    with_body: bool = False,
) -> Iterator[tuple[int, str]]:
    """(id, body or '') of matching readable messages, newest first, read from the database as iterated."""
    conditions = [*where, f'{FTS_TABLE} MATCH :match']
    values = params | {'match': fts5_match(units), 'limit': limit}
    if before_id is not None:
        conditions.append(f'{FTS_TABLE}.rowid < :before')
        values['before'] = before_id
    sql = (
        f'SELECT m.id, {"m.body" if with_body else "NULL"} FROM {FTS_TABLE} JOIN messages m ON m.id = {FTS_TABLE}.rowid'
        f' WHERE {" AND ".join(conditions)} ORDER BY {FTS_TABLE}.rowid DESC LIMIT :limit'
    )
    statement = text(sql).bindparams(*(bindparam(name, expanding=True) for name in expanding))
    result = connection.execute(statement, values)
    try:
        for row in result:
            yield int(row[0]), row[1] or ''
    finally:
        result.close()  # a caller that stops early leaves no open cursor behind


def fts5_match(units: Sequence[Unit]) -> str:
    """An FTS5 MATCH expression: every unit a quoted phrase (implicit AND), the typed-on last word a prefix."""
    return ' '.join('"' + ' '.join(unit.tokens) + '"' + ('*' if unit.prefix else '') for unit in units)


def postgresql_tsquery(units: Sequence[Unit]) -> str:
    """The same as a to_tsquery() text: quoted lexemes, <-> inside phrases, & between units, :* for a prefix."""

    def lexemes(unit: Unit) -> str:
        quoted = [f"'{token}'" for token in unit.tokens]
        if unit.prefix:
            quoted[-1] += ':*'
        return ' <-> '.join(quoted)

    return ' & '.join(f'({lexemes(unit)})' for unit in units)


def _hits(session: Session, user_id: int, scope: SearchScope, query: ParsedQuery, ids: list[int]) -> list[SearchHit]:
    if not ids:
        return []
    rows = session.exec(
        select(Message, User.display_name)
        .join(User, col(User.id) == col(Message.author_id))
        .where(col(Message.id).in_(ids))
        .order_by(col(Message.id).desc())
    ).all()
    direct_ids = {m.channel_id for m, _ in rows if scope.channels[m.channel_id].kind in DIRECT_KINDS}
    labels = _direct_labels(session, user_id, direct_ids) if direct_ids else {}
    tokens, prefixes = query.tokens(), query.prefixes()
    hits = []
    for message, author_name in rows:
        channel = scope.channels[message.channel_id]
        hits.append(
            SearchHit(
                message_id=_id(message.id),
                channel_id=message.channel_id,
                channel_kind=ChannelKind(channel.kind),
                channel_label=labels.get(message.channel_id) or f'#{channel.name}',
                thread_root_id=message.thread_root_id,
                author_id=message.author_id,
                author_name=author_name,
                created_at=message.created_at,
                snippet_html=snippet_html(message.body, tokens, prefixes),
            )
        )
    return hits


def _direct_labels(session: Session, user_id: int, channel_ids: set[int]) -> dict[int, str]:
    rows = session.exec(
        select(ChannelMember.channel_id, ChannelMember.user_id, User.display_name)
        .join(User, col(User.id) == col(ChannelMember.user_id))
        .where(col(ChannelMember.channel_id).in_(channel_ids))
    ).all()
    names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for channel_id, uid, name in rows:
        names[channel_id].append((uid, name))
    labels = {}
    for channel_id, members in names.items():
        others = sorted((name for uid, name in members if uid != user_id), key=str.lower)
        labels[channel_id] = ', '.join(others) or next((name for uid, name in members if uid == user_id), 'Notes')
    return labels


def _id(value: int | None) -> int:
    if value is None:
        raise AssertionError('row has no id')
    return value
