"""Reusable UI pieces (message list, composer, thread panel, presence list, emoji picker, ...)."""
