"""Only one side panel (thread, people, search results) is open at a time."""

from __future__ import annotations

import functools

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from components.message_list import MessageList
from components.side_panels import PanelName, SidePanels
from state.actions.messages import send_message
from tests.page_helpers import RETRIES, open_logged_in
from tests.test_workspace_shell import setup_workspace

PANELS = ('thread-panel', 'people-panel', 'search-panel')


def test_opening_one_closes_the_others_in_order() -> None:
    closed: list[str] = []
    panels = SidePanels()
    names: tuple[PanelName, ...] = ('thread', 'people', 'search')
    for name in names:
        panels.add(name, functools.partial(closed.append, name))
    panels.make_room_for('people')
    assert closed == ['thread', 'search']
    closed.clear()
    panels.make_room_for('search')
    assert closed == ['thread', 'people']


def test_an_unknown_panel_is_an_error() -> None:
    panels = SidePanels()
    panels.add('thread', lambda: None)
    with pytest.raises(KeyError):
        panels.make_room_for('people')


def open_panels(user: User) -> list[str]:
    with user:
        names = (str(e.props.get('data-testid')) for e in ElementFilter(kind=ui.element) if e.visible)
        return sorted(name for name in names if name in PANELS)


async def test_thread_people_and_search_take_turns(user: User) -> None:
    ada_id, _, general_id, slug = setup_workspace()
    root = send_message(ada_id, general_id, 'the plan', 'c-1')
    send_message(ada_id, general_id, 'a reply', 'c-2', thread_root_id=root.id)
    await open_logged_in(user, 'ada@example.com', f'/w/{slug}/c/{general_id}/t/{root.id}')
    await user.should_see('Thread', retries=RETRIES)
    assert open_panels(user) == ['thread-panel']

    user.find(marker='open-people').click()
    assert open_panels(user) == ['people-panel']

    user.find(marker='search-input').trigger('keydown.enter', 'plan')
    assert open_panels(user) == ['search-panel']

    with user:
        [pane_list] = [e for e in ElementFilter(kind=MessageList) if e.props.get('mode') == 'channel']
    UserInteraction(user, {pane_list}, None).trigger('openThread', {'id': root.id})  # NiceGUI keeps Vue's name
    assert open_panels(user) == ['thread-panel']

    user.find(marker='open-people').click()
    assert open_panels(user) == ['people-panel']
    user.find(marker='open-people').click()  # the same button closes it again
    assert open_panels(user) == []
