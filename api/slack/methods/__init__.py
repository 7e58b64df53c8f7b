"""One module per Slack method family; importing a module registers its methods."""

from __future__ import annotations


def load() -> None:
    from api.slack.methods import auth, chat, conversations, conversations_manage, reactions, users  # noqa: F401
