"""After a reconnect, an open thread is reopened as it was: an archived channel's thread stays read-only."""

from __future__ import annotations

from nicegui import ElementFilter
from nicegui.testing import User

from components.composer import Composer
from db import channel_queries
from state.actions.channels import archive_channel, create_channel
from state.actions.messages import send_message
from tests.page_helpers import RETRIES, open_logged_in
from tests.test_workspace_shell import setup_workspace


def thread_composers(user: User) -> list[Composer]:
    with user:
        return [c for c in ElementFilter(kind=Composer) if c.props.get('thread')]


async def test_a_reconnect_keeps_an_archived_channels_thread_read_only(user: User) -> None:
    ada_id, _, general_id, slug = setup_workspace()
    view = channel_queries.channel_view(general_id)
    assert view is not None
    old = create_channel(ada_id, view.workspace_id, 'old-project')
    root = send_message(ada_id, old.id, 'the plan', 'c-1')
    send_message(ada_id, old.id, 'a reply', 'c-2', thread_root_id=root.id)
    archive_channel(ada_id, old.id)
    await open_logged_in(user, 'ada@example.com', f'/w/{slug}/c/{old.id}/t/{root.id}')
    await user.should_see('Thread', retries=RETRIES)
    [composer] = thread_composers(user)
    assert composer.props['read-only'] is True

    assert user.client is not None
    for handler in user.client.connect_handlers:  # the socket comes back: the shell catches up
        handler()
    assert composer.props['read-only'] is True
