"""Slack workspace exports: import one into a workspace (`importer.py`), export a workspace as one (`exporter.py`)."""
