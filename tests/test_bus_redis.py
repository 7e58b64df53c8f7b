"""The Redis bus backend against a real redis-server on loopback: two backends play two nodes in one process."""

from __future__ import annotations

import asyncio
import typing
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime

import pytest
import redis.asyncio as redis

from db.models import ChannelKind
from state.bus_redis import Envelope, RedisBackend, backoff_seconds
from state.events import (
    AppChanged,
    AppsChanged,
    BookmarksChanged,
    BookmarkView,
    ChannelCreated,
    ChannelUpdated,
    ChannelView,
    EphemeralPosted,
    EphemeralView,
    Event,
    ManualPresenceSet,
    MemberJoined,
    MemberLeft,
    MessageCreated,
    MessageDeleted,
    MessageUpdated,
    MessageView,
    NotificationsChanged,
    PresenceChanged,
    PresenceReport,
    ReactionChanged,
    ReactionView,
    ReadPositionMoved,
    ScheduledChanged,
    SessionEnded,
    ThreadReplied,
    TypingChanged,
    UserChanged,
    UserView,
    WorkspaceImported,
)
from tests.redis_server import RedisServer

WAIT = 10.0  # seconds any condition below may take before the test fails


class Inbox:
    """What one node's `Bus.deliver_local` was handed, in order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Event]] = []

    def __call__(self, topic: str, event: Event) -> None:
        self.items.append((topic, event))

    def events(self) -> list[Event]:
        return [event for _, event in self.items]


async def until(condition: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f'timed out waiting for {what}')
        await asyncio.sleep(0.01)


def typing_event(n: int) -> TypingChanged:
    return TypingChanged(channel_id=1, user_id=n, user_name=f'user {n}', typing=True)


def sample_events() -> list[Event]:
    """One event of every type in the `Event` union (the test below checks none is missing)."""
    now = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
    reaction = ReactionView(emoji='tada', count=2, user_ids=(1, 2))
    message = MessageView(
        id=7,
        channel_id=1,
        thread_root_id=None,
        author_id=2,
        author_name='Ada Ünïcode "quoted"',
        html='<p>hi <strong>there</strong></p>',
        body='hi **there**',
        created_at=now,
        ts_us=1_795_782_600_000_000,
        edited_at=now,
        reply_count=1,
        last_reply_at=now,
        reply_user_ids=(3,),
        reactions=(reaction,),
    )
    channel = ChannelView(id=1, workspace_id=1, kind=ChannelKind.DIRECT, name=None, member_ids=(1, 2))
    user = UserView(id=2, display_name='Ada', status_text='lunch', status_emoji='pizza')
    return [
        MessageCreated(workspace_id=1, message=message, mentioned_user_ids=(3,), mentions_all=True),
        MessageUpdated(workspace_id=1, message=message, previous_body='before'),
        MessageDeleted(workspace_id=1, channel_id=1, message_id=7, thread_root_id=5),
        ReactionChanged(
            workspace_id=1, channel_id=1, message_id=7, message_author_id=2, user_id=2, added=True, reaction=reaction
        ),
        ThreadReplied(channel_id=1, root_id=7, reply_id=8, reply_count=1, last_reply_at=now, reply_user_ids=(3,)),
        ChannelCreated(channel=channel),
        ChannelUpdated(channel=channel, change='archive'),
        MemberJoined(workspace_id=1, channel_id=None, user=user),
        MemberLeft(workspace_id=1, channel_id=1, user_id=2),
        PresenceChanged(statuses={2: 'online', 3: 'busy'}),
        TypingChanged(channel_id=1, thread_root_id=7, user_id=2, user_name='Ada', typing=False),
        ReadPositionMoved(channel_id=1, user_id=2, last_read_message_id=7),
        UserChanged(user=user),
        NotificationsChanged(channel_id=1, user_id=2, level='mentions', muted=True),
        SessionEnded(user_id=2, session_id=9),
        AppsChanged(workspace_id=1),
        PresenceReport(node_id='n1', statuses={2: 'away'}, full=True),
        ManualPresenceSet(node_id='n1', user_id=2, status='busy', until=1.5e9),
        AppChanged(workspace_id=1, app_id=3, disabled=True),
        ScheduledChanged(user_id=2, workspace_id=1, channel_id=1),
        WorkspaceImported(workspace_id=1),
        EphemeralPosted(
            user_id=2,
            message=EphemeralView(id='e1', channel_id=1, author_name='/deploy', html='<p>ok</p>', created_at=now),
        ),
        BookmarksChanged(
            channel_id=1,
            bookmarks=(
                BookmarkView(
                    id=1,
                    channel_id=1,
                    title='Docs',
                    link='https://x.test',
                    emoji='',
                    created_by=2,
                    created_at=now,
                    updated_at=now,
                ),
            ),
        ),
    ]


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.close()


@pytest.fixture
async def nodes(redis_server: RedisServer) -> AsyncIterator[tuple[RedisBackend, Inbox, RedisBackend, Inbox]]:
    one, two = RedisBackend(redis_server.url, node_id='one'), RedisBackend(redis_server.url, node_id='two')
    inbox_one, inbox_two = Inbox(), Inbox()
    await one.start(inbox_one)
    await two.start(inbox_two)
    assert one.subscribed and two.subscribed
    yield one, inbox_one, two, inbox_two
    await one.stop(flush_seconds=0)
    await two.stop(flush_seconds=0)


def test_the_samples_cover_every_event_type() -> None:
    union = typing.get_args(typing.get_args(Event)[0])
    assert {type(event) for event in sample_events()} == set(union)


async def test_every_event_type_survives_the_trip_to_another_node(nodes: tuple) -> None:
    one, inbox_one, _, inbox_two = nodes
    items = [(f'topic:{index}', event) for index, event in enumerate(sample_events())]
    one.publish(items)
    await until(lambda: len(inbox_two.items) == len(items), 'the batch on node two')
    assert inbox_two.items == items
    assert inbox_one.items == items  # delivered locally, at once


async def test_events_arrive_in_the_order_one_node_published_them(nodes: tuple) -> None:
    one, _, _, inbox_two = nodes
    for n in range(300):
        one.publish([(f'typing:{n % 7}', typing_event(n))])
    await until(lambda: len(inbox_two.items) == 300, 'all 300 events')
    assert [event.user_id for event in inbox_two.events() if isinstance(event, TypingChanged)] == list(range(300))


async def test_own_events_are_delivered_once_and_at_once(nodes: tuple) -> None:
    one, inbox_one, two, inbox_two = nodes
    one.publish([('channel:1', typing_event(1))])
    assert inbox_one.events() == [typing_event(1)]  # inside publish, before any I/O
    await until(lambda: len(inbox_two.items) == 1, 'the event on node two')
    # Redis delivers in publish order, so once node two's later event reaches node one, so has the echo of ours.
    two.publish([('channel:1', typing_event(2))])
    await until(lambda: len(inbox_one.items) == 2, "node two's event on node one")
    assert inbox_one.events() == [typing_event(1), typing_event(2)]
    assert inbox_two.events() == [typing_event(1), typing_event(2)]


async def test_a_batch_sent_twice_is_delivered_once(redis_server: RedisServer, nodes: tuple) -> None:
    _, _, _, inbox_two = nodes
    envelope = Envelope(node='three', seq=1, items=[('channel:1', typing_event(3))]).model_dump_json()
    later = Envelope(node='three', seq=2, items=[('channel:1', typing_event(4))]).model_dump_json()
    client = redis.Redis.from_url(redis_server.url)
    try:
        for payload in (envelope, envelope, later, b'not an envelope'):
            await client.publish('teamchat:bus', payload)
    finally:
        await client.aclose()
    await until(lambda: len(inbox_two.items) >= 2, 'the later event')
    assert inbox_two.events() == [typing_event(3), typing_event(4)]


async def test_local_delivery_goes_on_while_redis_is_down_and_both_nodes_reconnect(
    redis_server: RedisServer, nodes: tuple
) -> None:
    one, inbox_one, two, inbox_two = nodes
    redis_server.stop()
    await until(lambda: not one.subscribed and not two.subscribed, 'both nodes to notice the drop')
    one.publish([('channel:1', typing_event(1))])  # returns at once: no I/O in publish
    assert inbox_one.events() == [typing_event(1)]
    await until(lambda: one.pending == 1, 'the event to wait in the queue')

    redis_server.start()  # same port
    await one.wait_subscribed(WAIT)
    await two.wait_subscribed(WAIT)
    await until(lambda: one.pending == 0, 'the queued event to be sent')
    one.publish([('channel:1', typing_event(2))])
    await until(lambda: typing_event(2) in inbox_two.events(), 'an event published after the restart')
    # The queued event went out when Redis came back; node two has it unless its subscription came back later
    # (pub/sub keeps nothing). Either way nothing arrives twice or out of order.
    assert inbox_two.events() in ([typing_event(1), typing_event(2)], [typing_event(2)])
    assert inbox_one.events() == [typing_event(1), typing_event(2)]


async def test_a_full_queue_drops_the_oldest_and_counts_them(redis_server: RedisServer) -> None:
    redis_server.stop()
    backend = RedisBackend(redis_server.url, node_id='lonely', max_pending=3, start_wait=0.2)
    inbox = Inbox()
    await backend.start(inbox)  # Redis is down: the node starts anyway and serves its own events
    try:
        for n in range(5):
            backend.publish([('channel:1', typing_event(n))])
        assert len(inbox.items) == 5
        assert backend.pending == 3 and backend.dropped == 2
    finally:
        await backend.stop(flush_seconds=0)


async def test_publish_from_a_worker_thread_is_queued_on_the_loop(nodes: tuple) -> None:
    one, _, _, inbox_two = nodes
    await asyncio.to_thread(one.publish, [('channel:1', typing_event(5))])
    await until(lambda: len(inbox_two.items) == 1, 'the event published from a thread')
    assert inbox_two.events() == [typing_event(5)]


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [0.1, 0.2, 0.4, 0.8]
    assert backoff_seconds(50) == 5.0
