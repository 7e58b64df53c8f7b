"""Emulated browser tabs, one class per kind of server the load generator talks to."""
