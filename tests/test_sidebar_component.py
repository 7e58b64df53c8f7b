"""The sidebar as two browser components: rows as data, a badge moved by one small call, rows opened by id."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import ElementFilter
from nicegui.testing import User
from sqlmodel import select

from components.sidebar import ConversationList
from db.engine import read_session
from db.models import User as Account
from db.workspace_queries import workspace_by_slug
from state.actions.channels import create_channel, invite_to_channel, open_direct
from state.actions.messages import send_message
from state.actions.profile import set_manual_presence
from tests.page_helpers import eventually
from tests.test_live_pages import acme, open_shell


def section(user: User, marker: str) -> ConversationList:
    with user:
        [found] = ElementFilter(kind=ConversationList, marker=marker)
    return found


def row(section: ConversationList, label: str) -> tuple[int, str, str, str, int, int, bool, str, int]:
    [found] = [r for r in section.props['rows'] if r[2] == label]
    return found


def current(section: ConversationList, label: str) -> tuple[int, str, str, str, int, int, bool, str, int]:
    """The row as the browser has it: deltas since the last full update are folded into the props first."""
    section.update()
    return row(section, label)


def bob_id() -> int:
    with read_session() as session:
        account = session.exec(select(Account).where(Account.email == 'bob@example.com')).one()
    assert account.id is not None
    return account.id


async def test_a_new_message_moves_the_badge_with_one_call_not_an_element_update(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, slug = acme()
    workspace = workspace_by_slug(slug)
    assert workspace is not None and workspace.id is not None
    news = create_channel(ada, workspace.id, 'news')
    invite_to_channel(ada, news.id, bob_id())
    await open_shell(user, 'bob@example.com', slug)  # Bob looks at #general
    channels = section(user, 'channel-rows')
    assert [r[2] for r in channels.props['rows']] == ['general', 'news']
    assert row(channels, 'news')[4:6] == (0, 0)
    sent: list[str] = []
    outbox = channels.client.outbox
    monkeypatch.setattr(outbox, 'enqueue_message', lambda kind, data, target: sent.append(data['code']))
    outbox.updates.clear()
    resent: list[int] = []
    monkeypatch.setattr(outbox, 'enqueue_update', lambda element: resent.append(element.id))

    send_message(ada, news.id, 'news for @Bob', None)
    await eventually(lambda: bool(sent))
    ours = [code for code in sent if 'runMethod' in code]  # NiceGUI asks about its drawer on its own
    assert len(ours) == 1 and f'runMethod({channels.id},"counts",[{news.id},1,1])' in ours[0]
    assert channels.id not in resent  # no full element update for a badge
    channels.update()  # any later full update carries the rows as the deltas left them
    assert row(channels, 'news')[4:6] == (1, 1)


async def test_rows_open_by_id_and_forged_ids_do_nothing(user: User) -> None:
    ada, slug = acme()
    workspace = workspace_by_slug(slug)
    assert workspace is not None and workspace.id is not None
    news = create_channel(ada, workspace.id, 'news')
    await open_shell(user, 'ada@example.com', slug)
    channels = section(user, 'channel-rows')
    general = row(channels, 'general')[0]
    assert channels.props['active'] == general
    for forged in ({'id': 'x'}, {'id': -1}, {'id': 2**70}, {}):
        user.find(marker='channel-rows').trigger('open', forged)
    assert channels.props['active'] == general
    user.find(marker='channel-rows').trigger('open', {'id': news.id})
    await eventually(lambda: channels.props['active'] == news.id)
    await user.should_see('#news')


async def test_a_direct_message_row_follows_the_partners_presence(user: User, create_user: Callable[[], User]) -> None:
    ada, slug = acme()
    workspace = workspace_by_slug(slug)
    assert workspace is not None and workspace.id is not None
    bob = bob_id()
    open_direct(ada, workspace.id, [bob])
    await open_shell(user, 'ada@example.com', slug)
    dms = section(user, 'dm-rows')
    assert row(dms, 'Bob')[7] == 'offline'
    set_manual_presence(bob, 'busy')  # without a tab, a manual status alone does not make Bob present
    other = create_user()
    await open_shell(other, 'bob@example.com', slug)
    await eventually(lambda: current(dms, 'Bob')[7] == 'busy')
