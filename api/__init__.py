"""Slack-compatible Web API and webhooks; calls the same actions as the UI."""


def register() -> None:
    """Import the API modules, which register their routes."""
    from api import avatars, commands, files, ops, slack, webhooks

    avatars.register()
    commands.register()
    files.register()
    ops.register()
    slack.register()
    webhooks.register()
