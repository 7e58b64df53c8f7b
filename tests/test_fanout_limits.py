"""Browser events that write and fan out to other people's tabs are rate limited per person."""

from __future__ import annotations

import pytest

from state.actions.channels import open_direct
from state.actions.messages import send_message
from state.actions.reads import mark_read, mark_unread
from state.actions.workspaces import create_workspace
from state.errors import RateLimited
from state.events import ReadPositionMoved, TypingChanged
from state.rate_limit import LIMITS, limiter
from state.stores import typing
from tests.factories import RecordingBackend, World, add_member, make_user, make_workspace


class StillClock:
    """Time stands still, so a slow machine cannot refill a bucket while a test floods it."""

    def __call__(self) -> float:
        return 100.0


@pytest.fixture(autouse=True)
def frozen_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limiter, '_clock', StillClock())


def test_read_and_unread_toggles_stop_at_the_read_budget(world: World, published: RecordingBackend) -> None:
    message = send_message(world.ada, world.general, 'toggle me', 'c-1')
    published.clear()
    with pytest.raises(RateLimited):
        for _ in range(LIMITS['read'].burst):
            mark_unread(world.bob, world.general, message.id)
            mark_read(world.bob, world.general, message.id)
    moves = published.of_type(ReadPositionMoved)
    assert len([topic for topic, _ in moves if topic.startswith('channel:')]) == LIMITS['read'].burst


def test_typing_starts_beyond_the_budget_are_dropped_quietly(world: World, published: RecordingBackend) -> None:
    for _ in range(100):
        typing.typing_started(world.bob, 'Bob', world.general)
        typing.typing_stopped(world.bob, world.general)
    starts = [event for _, event in published.of_type(TypingChanged) if event.typing]
    assert len(starts) == LIMITS['typing'].burst
    assert typing.typers(world.general) == []  # a dropped start leaves nobody "typing"


def test_new_direct_conversations_are_limited_but_reopening_one_is_free(db: None) -> None:
    owner = make_user('Owner')
    workspace = make_workspace(owner)
    people = [make_user(f'P{n}') for n in range(LIMITS['direct'].burst + 1)]
    for person in people:
        add_member(workspace, person)
    ids = [person.id or 0 for person in people]
    for other in ids[:-1]:
        open_direct(owner.id or 0, workspace.id or 0, [other])
    with pytest.raises(RateLimited):
        open_direct(owner.id or 0, workspace.id or 0, [ids[-1]])
    open_direct(owner.id or 0, workspace.id or 0, [ids[0]])  # an existing conversation costs nothing


def test_workspace_creation_is_limited(db: None) -> None:
    ada = make_user('Ada')
    for n in range(LIMITS['workspace'].burst):
        create_workspace(ada.id or 0, f'Team {n}')
    with pytest.raises(RateLimited):
        create_workspace(ada.id or 0, 'One too many')
