"""One module per Slack method family; importing a module registers its methods."""

from __future__ import annotations


def load() -> None:
    from api.slack.methods import (  # noqa: F401
        auth,
        bookmarks,
        chat,
        conversations,
        conversations_manage,
        ephemeral,
        files,
        me_message,
        pins,
        reactions,
        reactions_list,
        scheduled,
        stars,
        team,
        users,
        users_photo,
    )
    from api.slack.socket_mode import connections_open  # noqa: F401  (apps.connections.open)
