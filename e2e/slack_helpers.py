"""Helpers for tests that drive the Web API with the real `slack_sdk` client against the server subprocess."""

from __future__ import annotations

from slack_sdk import WebClient

from e2e.chat_helpers import create_user, unique_workspace
from e2e.conftest import ServerProcess


def bot_client(server: ServerProcess, owner_email: str, workspace: str, bot_name: str = 'Deploy Bot') -> WebClient:
    """A new bot in the workspace (made by its owner on the command line) and an unmodified Slack client for it."""
    token = server.run('create-token', '--email', owner_email, '--workspace', workspace, '--bot', bot_name).strip()
    return WebClient(token=token, base_url=f'{server.url}/api/')


def workspace_with_owner(server: ServerProcess, name: str = 'Ada') -> tuple[str, str]:
    """(workspace slug, owner e-mail) of a fresh workspace."""
    workspace = unique_workspace()
    return workspace, create_user(server, name, workspace)


def channel_id(client: WebClient, name: str) -> str:
    listed = client.conversations_list(types='public_channel')
    return next(c['id'] for c in listed['channels'] if c['name'] == name)
