"""Where a connected tab's server memory goes: tracemalloc snapshots of our server with N emulated tabs."""
