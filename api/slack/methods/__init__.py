"""One module per Slack method family; importing a module registers its methods."""

from __future__ import annotations


def load() -> None:
    from api.slack.methods import (  # noqa: F401
        auth,
        chat,
        conversations,
        conversations_manage,
        reactions,
        scheduled,
        team,
        users,
    )
