"""Builds a large history for our app: one channel of `channel_messages` inside `total_messages` in all.

    CHAT_DATA_DIR=... python -m bench.targets.history_build --total 1000000 --channel 100000 --out history.json

Accounts, the workspace and the channels are made through the app's actions (so they are real); the
messages themselves go in with one bulk INSERT per batch, because a million sends through the action would
take most of the time budget. The rows look like the action's: body and escaped HTML, a client message id,
increasing ids and times. The search index is rebuilt once after the bulk INSERTs (its triggers are set
aside meanwhile and put back as they were). Then it times the read queries of db/paging.py that a channel
view runs, and searches as the reader (who is in the big channel; the other channels are public, so they
are searched too).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sqlite3
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.stats import summarize
from bench.targets.ours_setup import PASSWORD
from db import paging
from db.engine import init_engine
from db.search_index import FTS_TABLE
from server import init_database
from settings import get_settings
from state import rate_limit
from state.actions.accounts import sign_up
from state.actions.channels import create_channel, join_channel
from state.actions.search import search
from state.actions.workspaces import add_member, create_workspace

WORDS = [
    'deploy',
    'review',
    'lunch',
    'build',
    'green',
    'flaky',
    'merge',
    'ticket',
    'release',
    'meeting',
    'coffee',
    'docs',
    'test',
    'fix',
    'ship',
]
BATCH = 20_000
RARE_WORD = 'quasar'  # in one message of every RARE_EVERY: a search with few matches in all the history
RARE_EVERY = 10_000
# Realistic searches as the reader types them; the last word is also matched as a prefix.
SEARCHES = {
    'rare_word': RARE_WORD,
    'common_word': 'deploy',
    'phrase': '"deploy review"',
    'in_channel': 'release in:#big-history',
    'prefix': 'merge revi',
    'from_person': 'coffee from:@Writer',
}


def _text(rng: random.Random, n: int) -> str:
    text = f'message {n}: ' + ' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
    return f'{text} {RARE_WORD}' if n % RARE_EVERY == RARE_EVERY // 2 else text


def build(total: int, channel_messages: int, other_channels: int) -> dict[str, Any]:
    settings = get_settings()
    init_database(settings)
    reader = sign_up('reader@bench.example', 'Reader', PASSWORD)
    writer = sign_up('writer@bench.example', 'Writer', PASSWORD)
    assert reader.id is not None and writer.id is not None
    workspace = create_workspace(reader.id, 'History')
    assert workspace.id is not None
    add_member(workspace.id, writer.id)
    big = create_channel(reader.id, workspace.id, 'big-history')
    join_channel(writer.id, big.id)
    others = [create_channel(writer.id, workspace.id, f'other-{i}').id for i in range(other_channels)]

    database = settings.resolved_database_url.removeprefix('sqlite:///')
    connection = sqlite3.connect(database)
    columns = {row[1]: row for row in connection.execute('PRAGMA table_info(messages)')}
    connection.execute('PRAGMA synchronous=OFF')  # a bulk build; the server reopens it with its own settings
    # The search index's triggers would index row by row; one rebuild at the end is several times faster.
    triggers = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages'"
    ).fetchall()
    for name, _sql in triggers:
        connection.execute(f'DROP TRIGGER {name}')
    rng = random.Random(7)
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / total
    # Spread the big channel's messages evenly through the whole history, as a busy channel would be.
    big_every = max(1, total // channel_messages)
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    inserted = 0
    for n in range(total):
        in_big = n % big_every == 0 and n // big_every < channel_messages
        channel_id = big.id if in_big else others[n % len(others)]
        body = _text(rng, n)
        rows.append(
            {
                'channel_id': channel_id,
                'author_id': writer.id if n % 3 else reader.id,
                'thread_root_id': None,
                'also_in_channel': 0,
                'body': body,
                'html': f'<p>{html.escape(body)}</p>',
                'client_msg_id': uuid.UUID(int=rng.getrandbits(128)).hex,
                'created_at': (start + step * n).strftime('%Y-%m-%d %H:%M:%S.%f'),
                'reply_count': 0,
                'mentions_all': 0,
            }
        )
        if len(rows) == BATCH or n == total - 1:
            _insert(connection, columns, rows)
            inserted += len(rows)
            rows = []
    connection.execute(
        'UPDATE channels SET last_message_id = '
        '(SELECT COALESCE(MAX(id), 0) FROM messages WHERE messages.channel_id = channels.id)'
    )
    connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    for _name, sql in triggers:
        connection.execute(sql)  # exactly as the migration made them
    connection.commit()
    connection.execute('ANALYZE')
    connection.close()
    return {
        'slug': workspace.slug,
        'workspace_id': workspace.id,
        'reader_id': reader.id,
        'channel': big.id,
        'reader': 'reader@bench.example',
        'password': PASSWORD,
        'messages': inserted,
        'channel_messages': channel_messages,
        'build_s': round(time.monotonic() - started, 1),
    }


def _insert(connection: sqlite3.Connection, columns: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    names = list(rows[0])
    for name, (_cid, _name, _type, notnull, default, _pk) in columns.items():
        if notnull and default is None and name not in names and name != 'id':
            names.append(name)  # a NOT NULL column added later: a neutral value
            for row in rows:
                row[name] = 0
    sql = f'INSERT INTO messages ({", ".join(names)}) VALUES ({", ".join("?" for _ in names)})'
    connection.executemany(sql, [tuple(row[name] for name in names) for row in rows])
    connection.commit()


def time_queries(channel_id: int, runs: int) -> dict[str, Any]:
    """The channel view's queries through db/paging.py, in this process (no HTTP, no UI)."""
    init_engine(get_settings().resolved_database_url)
    latest = paging.latest_messages(channel_id, limit=50)
    newest_id, oldest_id = latest[-1].id, paging.messages_after(channel_id, 0, limit=1)[0].id
    rng = random.Random(11)
    figures: dict[str, list[float]] = {'latest_50_ms': [], 'older_page_ms': [], 'catch_up_200_ms': []}
    for _ in range(runs):
        t0 = time.perf_counter()
        paging.latest_messages(channel_id, limit=50)
        figures['latest_50_ms'].append((time.perf_counter() - t0) * 1000)
        before = rng.randint(oldest_id + 1, newest_id)
        t0 = time.perf_counter()
        paging.messages_before(channel_id, before, limit=50)
        figures['older_page_ms'].append((time.perf_counter() - t0) * 1000)
        after = rng.randint(oldest_id, newest_id)
        t0 = time.perf_counter()
        paging.messages_after(channel_id, after, limit=200)
        figures['catch_up_200_ms'].append((time.perf_counter() - t0) * 1000)
    return {name: summarize(values) for name, values in figures.items()} | {
        'oldest_id': oldest_id,
        'newest_id': newest_id,
    }


def time_searches(reader_id: int, workspace_id: int, runs: int) -> dict[str, Any]:
    """The search action as the reader (parse, scope, index query, hits with snippets), per kind of search."""
    init_engine(get_settings().resolved_database_url)
    figures: dict[str, Any] = {}
    with rate_limit.exempt():  # the benchmark is not a person hammering the search box
        for name, query in SEARCHES.items():
            first = search(reader_id, workspace_id, query)  # warm, and a record of what it found
            timings = []
            for _ in range(runs):
                t0 = time.perf_counter()
                search(reader_id, workspace_id, query)
                timings.append((time.perf_counter() - t0) * 1000)
            figures[name] = summarize(timings) | {'query': query, 'hits': len(first.hits)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--total', type=int, required=True)
    parser.add_argument('--channel', type=int, required=True)
    parser.add_argument('--other-channels', type=int, default=9)
    parser.add_argument('--runs', type=int, default=300)
    parser.add_argument('--out', type=Path, required=True)
    args = parser.parse_args()
    result = build(args.total, args.channel, args.other_channels)
    result['queries'] = time_queries(result['channel'], args.runs)
    result['search'] = time_searches(result['reader_id'], result['workspace_id'], args.runs)
    args.out.write_text(json.dumps(result))


if __name__ == '__main__':
    main()
