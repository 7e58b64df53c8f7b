"""Slack-compatible Web API and webhooks; calls the same actions as the UI."""


def register() -> None:
    """Import the API modules, which register their routes."""
    from api import commands, files, slack, webhooks

    commands.register()
    files.register()
    slack.register()
    webhooks.register()
