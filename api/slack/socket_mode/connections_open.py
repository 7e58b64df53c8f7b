"""`apps.connections.open`: an app-level token gets a one-time `ws(s)://…/socket-mode/<ticket>` URL."""

from __future__ import annotations

from api.slack.registry import Caller, NoArgs, Result, method
from api.slack.socket_mode.tickets import tickets
from settings import get_settings

SOCKET_PATH = '/socket-mode'


@method('apps.connections.open', NoArgs, app_token=True)
def connections_open(caller: Caller, _: NoArgs) -> Result:
    if caller.app is None:
        raise AssertionError('apps.connections.open is registered with app_token=True')
    return {'url': socket_url(caller.base_url, tickets.issue(caller.app))}


def socket_url(base_url: str, ticket: str) -> str:
    """On the public URL when one is configured (behind a proxy), else on the address the client used."""
    root = (get_settings().public_url or base_url).rstrip('/')
    scheme, _, rest = root.partition('://')
    return f'{"wss" if scheme == "https" else "ws"}://{rest}{SOCKET_PATH}/{ticket}'
