"""The channel header's menu offers what the rules in db/authz.py allow, and its items call the actions."""

from __future__ import annotations

from nicegui import ElementFilter, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from db.workspace_queries import workspace_by_slug
from state.access import readable_channel
from state.actions.channels import archive_channel, create_channel, join_channel, open_direct
from tests.page_helpers import RETRIES, eventually, handlers_done, open_logged_in
from tests.test_workspace_shell import setup_workspace

PASSWORD = 'a long enough password'
NOTIFY = ['notify-all', 'notify-mentions', 'notify-nothing', 'mute-channel']


def setup() -> dict[str, int | str]:
    """Ada owns "Acme" with #general and #design; Bob, a plain member, joined both; Ada and Bob have a DM."""
    ada_id, bob_id, general_id, slug = setup_workspace()
    workspace = workspace_by_slug(slug)
    assert workspace is not None and workspace.id is not None
    design = create_channel(ada_id, workspace.id, 'design')
    join_channel(bob_id, design.id)
    dm = open_direct(ada_id, workspace.id, [bob_id])
    return {
        'ada': ada_id,
        'bob': bob_id,
        'workspace': workspace.id,
        'slug': slug,
        'general': general_id,
        'design': design.id,
        'dm': dm.id,
    }


async def open_menu(user: User, email: str, path: str) -> dict[str, str]:
    """Open `path`, open the channel menu; its items as data-testid (or text) -> text."""
    await open_logged_in(user, email, path)
    await user.should_see(marker='channel-menu', retries=RETRIES)
    user.find(marker='channel-menu').trigger('beforeShow')  # NiceGUI keeps Vue's name of the event
    with user:
        items = list(ElementFilter(kind=ui.menu_item))
    return {str(item.props.get('data-testid') or label(item)): label(item) for item in items}


def label(item: ui.menu_item) -> str:
    return ' '.join(str(getattr(child, 'text', '')) for child in item.default_slot.children)


async def test_general_can_be_neither_left_nor_archived(user: User) -> None:
    ids = setup()
    items = await open_menu(user, 'ada@example.com', f'/w/{ids["slug"]}/c/{ids["general"]}')
    assert list(items) == [*NOTIFY, 'Edit topic', 'edit-purpose', 'channel-webhooks', 'channel-commands']  # no rename


async def test_an_admin_may_leave_and_archive_a_channel(user: User) -> None:
    ids = setup()
    items = await open_menu(user, 'ada@example.com', f'/w/{ids["slug"]}/c/{ids["design"]}')
    assert list(items) == [
        *NOTIFY,
        'Edit topic',
        'edit-purpose',
        'rename-channel',
        'leave-channel',
        'channel-webhooks',
        'channel-commands',
        'archive-channel',
    ]
    assert items['notify-mentions'].startswith('✓') and not items['notify-all'].startswith('✓')  # the default level


async def test_a_member_may_leave_but_not_archive(user: User) -> None:
    ids = setup()
    items = await open_menu(user, 'bob@example.com', f'/w/{ids["slug"]}/c/{ids["design"]}')
    assert list(items) == [*NOTIFY, 'Edit topic', 'edit-purpose', 'leave-channel']  # not the creator: no rename


async def test_an_archived_channel_offers_no_topic_and_unarchive(user: User) -> None:
    ids = setup()
    archive_channel(int(ids['ada']), int(ids['design']))
    items = await open_menu(user, 'ada@example.com', f'/w/{ids["slug"]}/c/{ids["design"]}')
    assert list(items) == [*NOTIFY, 'leave-channel', 'channel-commands', 'unarchive-channel']


async def test_a_direct_message_offers_notifications_only(user: User) -> None:
    ids = setup()
    items = await open_menu(user, 'ada@example.com', f'/w/{ids["slug"]}/c/{ids["dm"]}')
    assert list(items) == NOTIFY


async def test_leaving_calls_the_action_and_keeps_the_channel_as_a_preview(user: User) -> None:
    ids = setup()
    await open_menu(user, 'bob@example.com', f'/w/{ids["slug"]}/c/{ids["design"]}')
    with user:
        [leave] = [i for i in ElementFilter(kind=ui.menu_item) if i.props.get('data-testid') == 'leave-channel']
    UserInteraction(user, {leave}, None).click()
    await handlers_done()
    access = readable_channel(int(ids['bob']), int(ids['workspace']), int(ids['design']))
    assert access is not None and not access.is_member  # a public channel stays readable
    await eventually(lambda: 'leave-channel' not in menu_testids(user))


def menu_testids(user: User) -> list[str]:
    user.find(marker='channel-menu').trigger('beforeShow')
    with user:
        return [str(item.props.get('data-testid')) for item in ElementFilter(kind=ui.menu_item)]


async def test_the_creator_may_rename_their_channel(user: User) -> None:
    ids = setup()
    mine = create_channel(int(ids['bob']), int(ids['workspace']), 'bobs-plans')
    items = await open_menu(user, 'bob@example.com', f'/w/{ids["slug"]}/c/{mine.id}')
    assert list(items) == [*NOTIFY, 'Edit topic', 'edit-purpose', 'rename-channel', 'leave-channel']
