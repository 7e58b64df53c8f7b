"""The Events API's queue: retries and their headers, durability across a crash, no duplicates, no cost without apps."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from api.slack.events_api.transport import HttpTransport, Outcome
from api.slack.events_api.worker import DeliveryWorker
from db.engine import get_engine, read_session
from db.models import App, AppDelivery, DeliveryStatus, EventOutbox
from state.actions.app_deliveries import claim_due, fan_out, prune, record_attempt
from state.actions.messages import send_message
from state.app_events import outbox
from tests.events_support import Clock, RecordingTransport, deliver, make_app
from tests.factories import World, count_rows, update_row


class _Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers['Content-Length']))
        type(self).seen.append((dict(self.headers), body))
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type('Receiver', (_Receiver,), {'answers': [], 'seen': []})
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{server.server_address[1]}/slack/events', handler
    server.shutdown()
    server.server_close()


def _point_app_at(app_id: int, url: str) -> None:
    update_row(App, app_id, events_url=url)


def _delivery() -> AppDelivery:
    """The newest delivery."""
    with read_session() as session:
        newest = session.exec(select(AppDelivery).order_by(col(AppDelivery.id).desc())).first()
    assert newest is not None
    return newest


async def test_failures_are_retried_on_slacks_schedule_with_its_headers_then_fail(
    world: World, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    app = await make_app(world, events=('message',))
    _point_app_at(app.id, url)
    handler.answers = [500, 503, 500, 500]
    clock = Clock()
    worker = DeliveryWorker(http=HttpTransport(), now=clock)
    send_message(world.bob, world.general, 'try hard', 'c-1')
    assert await worker.run_once() == 1  # the first attempt
    assert await worker.run_once() == 1  # retry 1: nearly at once
    assert await worker.run_once() == 0  # retry 2 waits about a minute
    clock.advance(61)
    assert await worker.run_once() == 1
    clock.advance(200)
    assert await worker.run_once() == 0  # retry 3 waits about five minutes
    clock.advance(101)
    assert await worker.run_once() == 1
    clock.advance(3600)
    assert await worker.run_once() == 0  # no fifth attempt
    retries = [(h.get('X-Slack-Retry-Num'), h.get('X-Slack-Retry-Reason')) for h, _ in handler.seen]
    assert retries == [(None, None), ('1', 'http_error'), ('2', 'http_error'), ('3', 'http_error')]
    assert len({json.loads(body)['event_id'] for _, body in handler.seen}) == 1  # the same event each time
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 4 and delivery.last_error == 'HTTP 500'
    await worker.stop()


async def test_a_slow_or_absent_receiver_is_a_timeout_or_a_failed_connection(
    world: World, receiver: tuple[str, type[_Receiver]]
) -> None:
    import httpx

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout('slow', request=request)

    app = await make_app(world, events=('message',))
    worker = DeliveryWorker(http=HttpTransport(httpx.AsyncClient(transport=httpx.MockTransport(slow))))
    send_message(world.bob, world.general, 'anyone?', 'c-1')
    await worker.run_once()
    assert _delivery().retry_reason == 'http_timeout'
    _point_app_at(app.id, 'http://127.0.0.1:1/nothing-listens')
    worker = DeliveryWorker(http=HttpTransport())
    await worker.run_once()
    delivery = _delivery()
    assert delivery.retry_reason == 'connection_failed' and delivery.attempts == 2
    await worker.stop()


async def test_a_crash_before_sending_loses_nothing(world: World) -> None:
    await make_app(world, events=('message',))
    send_message(world.bob, world.general, 'survive me', 'c-1')
    clock = Clock()

    class Hangs:
        entered = asyncio.Event()

        async def send(self, claim: object, payload: object) -> Outcome:
            self.entered.set()
            await asyncio.Event().wait()  # never answers: the worker dies here
            raise AssertionError('unreachable')

    doomed = DeliveryWorker(http=Hangs(), now=clock)
    doomed.start()
    await asyncio.wait_for(Hangs.entered.wait(), 10)
    await doomed.stop()  # "crash": the claim is never recorded
    transport = RecordingTransport()
    await deliver(transport, clock)
    assert transport.sent == []  # still leased to the dead worker
    clock.advance(31)  # the lease runs out
    await deliver(transport, clock)
    assert [e['text'] for e in transport.events()] == ['survive me']
    assert _delivery().status == DeliveryStatus.DELIVERED


async def test_the_outbox_row_is_written_in_the_senders_transaction(world: World) -> None:
    await make_app(world, events=('message',))
    before = count_rows(EventOutbox)
    send_message(world.bob, world.general, 'durable', 'c-1')
    assert count_rows(EventOutbox) == before + 1  # committed with the message, before any worker ran


def test_two_workers_racing_deliver_each_event_once(world: World) -> None:
    asyncio.run(make_app(world, events=('message',)))
    for number in range(12):
        send_message(world.bob, world.general, f'message {number}', f'c-{number}')
    claims: list[list[int]] = [[], []]
    fanned: list[int] = [0, 0]
    start = threading.Barrier(2)

    def race(index: int) -> None:
        start.wait()
        for _ in range(6):
            fanned[index] += fan_out(limit=3)
            claimed = claim_due(limit=3)
            claims[index].extend(claim.delivery_id for claim in claimed)
            for claim in claimed:
                record_attempt(claim, ok=True)

    threads = [threading.Thread(target=race, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = claims[0] + claims[1]
    assert sum(fanned) == 12 and len(everything) == 12 and len(set(everything)) == 12
    assert count_rows(AppDelivery) == 12


async def test_a_stale_worker_cannot_overwrite_the_new_claimers_outcome(world: World) -> None:
    await make_app(world, events=('message',))
    send_message(world.bob, world.general, 'twice?', 'c-1')
    clock = Clock()
    fan_out(now=clock.now)
    [stale] = claim_due(now=clock.now)
    clock.advance(31)
    [fresh] = claim_due(now=clock.now)
    assert record_attempt(fresh, ok=True) and not record_attempt(stale, ok=False, reason='http_error', error='late')
    assert _delivery().status == DeliveryStatus.DELIVERED


async def test_old_rows_are_pruned(world: World) -> None:
    await make_app(world, events=('message',))
    send_message(world.bob, world.general, 'old news', 'c-1')
    await deliver(RecordingTransport())
    clock = Clock()
    assert prune(now=clock.now) == 0
    clock.advance(4 * 86400)
    assert prune(now=clock.now) > 0 and count_rows(EventOutbox) == 0 and count_rows(AppDelivery) == 0


def _statements_of(work: object) -> list[str]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    engine = get_engine()
    event.listen(engine, 'before_cursor_execute', count)
    try:
        work()  # type: ignore[operator]
    finally:
        event.remove(engine, 'before_cursor_execute', count)
    return seen


def test_a_send_in_a_workspace_without_apps_does_no_extra_query(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    send_message(world.bob, world.general, 'warm the cache', 'c-0')
    with_hook = _statements_of(lambda: send_message(world.bob, world.general, 'plain', 'c-1'))
    monkeypatch.setattr(outbox, 'stage', lambda session, events: False)
    without_hook = _statements_of(lambda: send_message(world.bob, world.general, 'plain again', 'c-2'))
    assert len(with_hook) == len(without_hook)
    assert not any('apps' in statement or 'event_outbox' in statement for statement in with_hook)
    assert count_rows(EventOutbox) == 0


async def test_a_new_app_is_noticed_at_once_by_the_cache(world: World) -> None:
    send_message(world.bob, world.general, 'nobody listens', 'c-0')  # caches "no apps"
    await make_app(world, events=('message',))
    send_message(world.bob, world.general, 'now someone does', 'c-1')
    assert [e['text'] for e in (await deliver(RecordingTransport())).events()] == ['now someone does']


async def test_a_transport_that_raises_is_a_failed_attempt_not_a_dead_worker(world: World) -> None:
    class Broken:
        async def send(self, claim: object, payload: object) -> Outcome:
            raise RuntimeError('bug')

    await make_app(world, events=('message',))
    send_message(world.bob, world.general, 'still alive?', 'c-1')
    assert await DeliveryWorker(http=Broken()).run_once() == 1
    assert _delivery().status == DeliveryStatus.PENDING and _delivery().attempts == 1


class _Hub:
    """A stand-in for the Socket Mode hub: which apps are connected here, and what it was asked to deliver."""

    def __init__(self, connected: set[int], acks: list[bool]) -> None:
        self.connected = connected
        self.acks = acks
        self.calls: list[tuple[int, str, int, str]] = []

    def connected_app_ids(self) -> set[int]:
        return self.connected

    async def deliver(
        self,
        app_id: int,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = '',
    ) -> object | None:
        self.calls.append((app_id, envelope_type, retry_attempt, retry_reason))
        return self.acks.pop(0) if self.acks else True


async def test_socket_mode_deliveries_go_through_the_hub_of_the_node_the_app_is_connected_to(world: World) -> None:
    from state.actions.apps import create_app

    app = create_app(world.ada, world.workspace, 'Behind a firewall', socket_mode=True, event_types=('message',))
    send_message(world.bob, world.general, 'over the socket', 'c-1')
    http = RecordingTransport()
    elsewhere = DeliveryWorker(http=http, socket_hub=_Hub(set(), []))
    assert await elsewhere.run_once() == 0  # the app is connected to another node: this one leaves it
    hub = _Hub({app.id}, [False])
    here = DeliveryWorker(http=http, socket_hub=hub)
    assert await here.run_once() == 1 and await here.run_once() == 1  # not acked, then retried at once
    assert hub.calls == [(app.id, 'events_api', 0, ''), (app.id, 'events_api', 1, 'http_timeout')]
    assert http.sent == [] and _delivery().status == DeliveryStatus.DELIVERED
