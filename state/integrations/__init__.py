"""Talking to programs outside the server: apps, their events, slash commands, e-mail."""
