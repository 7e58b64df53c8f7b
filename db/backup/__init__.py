"""Backups of a running server (`main.py backup`) and restores into an empty data dir (`main.py restore`).

One tar archive: `manifest.json` (format, app version, schema revision, created at, database kind), the
database under `database/` (SQLite: a copy made with SQLite's online backup API, a consistent snapshot taken
while writers go on; PostgreSQL: `pg_dump --format=custom`), and the data dir's own files under `data/`
(uploads, the generated storage secret). `take.py` writes it, `restore.py` checks and unpacks it,
`archive.py` holds the layout and the checks both share.
"""
