"""Persistence: SQLModel tables, engine and sessions, migrations, query helpers. Knows no UI and no bus."""
