"""The workspace shell under NiceGUI's simulated users: opening channels, sending, live delivery, access."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from nicegui import ElementFilter
from nicegui.testing import User

from components.composer import Composer
from components.message_list import MessageList
from db import paging
from db.workspace_queries import general_channel
from state.actions.accounts import sign_up
from state.actions.channels import open_direct
from state.actions.workspaces import accept_invite, create_invite, create_workspace
from tests.page_helpers import RETRIES, handlers_done, log_in_via_page, open_logged_in

PASSWORD = 'a long enough password'


def message_lists(user: User) -> list[MessageList]:
    with user:
        return list(ElementFilter(kind=MessageList))


async def open_as(user: User, email: str, path: str) -> None:
    await open_logged_in(user, email, path)
    await user.should_see('#general', retries=RETRIES)


def setup_workspace() -> tuple[int, int, int, str]:
    """Ada owns "Acme"; Bob joined with an invite. Returns (ada id, bob id, #general id, slug)."""
    ada = sign_up('ada@example.com', 'Ada', PASSWORD)
    bob = sign_up('bob@example.com', 'Bob', PASSWORD)
    assert ada.id is not None and bob.id is not None
    workspace = create_workspace(ada.id, 'Acme')
    assert workspace.id is not None
    accept_invite(bob.id, create_invite(ada.id, workspace.id, timedelta(days=1), 5))
    general = general_channel(workspace.id)
    assert general is not None and general.id is not None
    return ada.id, bob.id, general.id, workspace.slug


async def test_a_message_sent_by_one_user_reaches_the_other_live(user: User, create_user: Callable[[], User]) -> None:
    ada_id, _, general_id, slug = setup_workspace()
    bob = create_user()
    await open_as(user, 'ada@example.com', f'/w/{slug}')
    await open_as(bob, 'bob@example.com', f'/w/{slug}')

    with user:
        composer = next(iter(ElementFilter(kind=Composer)))
    where = composer.props['outbox-key']  # the conversation the browser typed it in
    user.find(kind=Composer).trigger('send', {'body': 'hello *bob*', 'client_msg_id': 'c-1', 'outbox_key': where})
    await handlers_done()
    stored = paging.latest_messages(general_id, limit=5)
    assert [m.body for m in stored] == ['hello *bob*'] and stored[0].author_id == ada_id
    assert composer is not None
    # A retry with the same client id returns the original and stores nothing new.
    user.find(kind=Composer).trigger('send', {'body': 'hello *bob*', 'client_msg_id': 'c-1', 'outbox_key': where})
    await handlers_done()
    assert len(paging.latest_messages(general_id, limit=5)) == 1
    assert message_lists(bob)[0].newest_id == stored[0].id  # Bob's list was fed the append delta


async def test_a_refused_message_comes_back_to_the_composer(user: User) -> None:
    _, _, general_id, slug = setup_workspace()
    await open_as(user, 'ada@example.com', f'/w/{slug}')
    with user:
        where = next(iter(ElementFilter(kind=Composer))).props['outbox-key']
    user.find(kind=Composer).trigger('send', {'body': 'x' * 5000, 'client_msg_id': 'c-long', 'outbox_key': where})
    await handlers_done()
    assert paging.latest_messages(general_id, limit=5) == []


async def test_other_peoples_direct_messages_are_not_found(user: User) -> None:
    ada_id, bob_id, _, slug = setup_workspace()
    cy = sign_up('cy@example.com', 'Cy', PASSWORD)
    assert cy.id is not None
    dm = open_direct(ada_id, general_workspace_id(slug), [bob_id])
    await log_in_via_page(user, 'cy@example.com', PASSWORD, path=f'/login?next=/w/{slug}/c/{dm.id}')
    await user.should_see('Workspace not found.', retries=RETRIES)  # Cy is not even in the workspace


def general_workspace_id(slug: str) -> int:
    from db.workspace_queries import workspace_by_slug

    workspace = workspace_by_slug(slug)
    assert workspace is not None and workspace.id is not None
    return workspace.id


async def test_a_resend_typed_in_another_conversation_is_not_posted_here(user: User) -> None:
    _, _, general_id, slug = setup_workspace()
    await open_as(user, 'ada@example.com', f'/w/{slug}')
    with user:
        where = next(iter(ElementFilter(kind=Composer))).props['outbox-key']
    elsewhere = where.rsplit(':', 1)[0] + ':999'  # the outbox entry of a conversation not open in this tab
    user.find(kind=Composer).trigger('send', {'body': 'not for here', 'client_msg_id': 'c-x', 'outbox_key': elsewhere})
    await handlers_done()
    assert paging.latest_messages(general_id, limit=5) == []


async def test_a_permalink_id_beyond_64_bits_is_not_found(user: User) -> None:
    _, _, general_id, slug = setup_workspace()
    huge = '99999999999999999999999'
    await open_as(user, 'ada@example.com', f'/w/{slug}')
    for path in (f'/w/{slug}/c/{general_id}/m/{huge}', f'/w/{slug}/c/{general_id}/t/{huge}', f'/w/{slug}/c/{huge}'):
        await user.open(path)
        await user.should_see('not found', retries=RETRIES)
