"""Reactions: known shortcodes only, members only, idempotent, aggregated, announced where the message shows."""

from __future__ import annotations

import pytest

from db.models import Channel, Reaction
from db.paging import latest_messages
from state.actions.messages import send_message
from state.actions.reactions import add_reaction, remove_reaction, toggle_reaction
from state.bus import channel_topic, thread_topic
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import ReactionChanged, ReactionView
from tests.factories import RecordingBackend, World, count_rows, update_row

pytestmark = pytest.mark.usefixtures('db')


def test_toggle_adds_then_removes(world: World, published: RecordingBackend) -> None:
    message = send_message(world.ada, world.general, 'hi', 'c-1')
    published.clear()
    added = toggle_reaction(world.bob, message.id, ':+1:')
    assert added == ReactionView(emoji='thumbsup', count=1, user_ids=(world.bob,))
    assert published.types() == [
        (channel_topic(world.general), 'reaction.changed'),
        (thread_topic(message.id), 'reaction.changed'),
    ]
    event = published.items[0][1]
    assert isinstance(event, ReactionChanged) and event.added and event.user_id == world.bob
    published.clear()
    removed = toggle_reaction(world.bob, message.id, 'thumbsup')
    assert removed == ReactionView(emoji='thumbsup', count=0, user_ids=())
    change = published.of_type(ReactionChanged)[0][1]
    assert not change.added and change.reaction.count == 0
    assert count_rows(Reaction) == 0


def test_reactions_aggregate_in_views(world: World, published: RecordingBackend) -> None:
    message = send_message(world.ada, world.general, 'hi', 'c-1')
    add_reaction(world.bob, message.id, 'tada')
    add_reaction(world.ada, message.id, 'tada')
    add_reaction(world.carl, message.id, 'heart')
    view = latest_messages(world.general)[0]
    assert [(r.emoji, r.count, r.user_ids) for r in view.reactions] == [
        ('tada', 2, (world.bob, world.ada)),
        ('heart', 1, (world.carl,)),
    ]


def test_add_and_remove_are_idempotent(world: World, published: RecordingBackend) -> None:
    message = send_message(world.ada, world.general, 'hi', 'c-1')
    add_reaction(world.bob, message.id, 'eyes')
    published.clear()
    assert add_reaction(world.bob, message.id, 'eyes').count == 1
    assert published.items == []
    remove_reaction(world.bob, message.id, 'eyes')
    published.clear()
    assert remove_reaction(world.bob, message.id, 'eyes').count == 0
    assert published.items == []


def test_reactions_on_a_thread_reply_go_to_the_thread(world: World, published: RecordingBackend) -> None:
    root = send_message(world.ada, world.general, 'root', 'c-1')
    reply = send_message(world.bob, world.general, 'reply', 'c-2', thread_root_id=root.id)
    published.clear()
    toggle_reaction(world.ada, reply.id, 'smile')
    assert published.types() == [(thread_topic(root.id), 'reaction.changed')]


@pytest.mark.parametrize('emoji', ['not_an_emoji', '', '<script>', 'smile; drop table'])
def test_unknown_emoji_is_refused(world: World, published: RecordingBackend, emoji: str) -> None:
    message = send_message(world.ada, world.general, 'hi', 'c-1')
    published.clear()
    with pytest.raises(InvalidInput, match='Unknown emoji'):
        toggle_reaction(world.bob, message.id, emoji)
    assert published.items == [] and count_rows(Reaction) == 0


def test_outsiders_and_archived_channels(world: World, published: RecordingBackend) -> None:
    secret = send_message(world.ada, world.private, 'secret', 'c-1')
    side = send_message(world.ada, world.side, 'side', 'c-2')
    published.clear()
    with pytest.raises(NotFound):
        toggle_reaction(world.carl, secret.id, 'smile')
    with pytest.raises(NotFound):
        toggle_reaction(world.eve, side.id, 'smile')
    with pytest.raises(Forbidden):
        toggle_reaction(world.carl, side.id, 'smile')  # public, but not joined
    with pytest.raises(NotFound):
        toggle_reaction(world.ada, 987_654, 'smile')
    update_row(Channel, world.side, archived=True)
    with pytest.raises(Forbidden, match='archived'):
        toggle_reaction(world.ada, side.id, 'smile')
    assert published.items == [] and count_rows(Reaction) == 0
