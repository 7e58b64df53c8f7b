"""Slack-compatible Web API and webhooks; calls the same actions as the UI."""


def register() -> None:
    """Import the API modules, which register their routes."""
    from api import avatars, files, slack, webhooks

    avatars.register()
    files.register()
    slack.register()
    webhooks.register()
