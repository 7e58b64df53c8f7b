"""In-memory, observable views of live state, rebuilt from the database and kept current by bus events."""
