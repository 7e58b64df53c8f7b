"""Slack-compatible Web API and webhooks; calls the same actions as the UI."""


def register() -> None:
    """Import the API modules, which register their routes."""
    from api import avatars, commands, files, slack, webhooks

    avatars.register()
    commands.register()
    files.register()
    slack.register()
    webhooks.register()
