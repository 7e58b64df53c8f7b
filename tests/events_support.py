"""Helpers for Events API tests: an app in the world, a recording transport, and one worker round."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.slack.events_api.transport import Outcome
from api.slack.events_api.worker import DeliveryWorker
from db.models import utcnow
from state.actions.app_deliveries import Claim
from state.actions.apps import EVENT_TYPES, NewApp, create_app
from tests.factories import World


class RecordingTransport:
    """A transport that keeps what it was given and answers with the queued outcomes (then success)."""

    def __init__(self, *outcomes: Outcome) -> None:
        self.sent: list[tuple[Claim, dict[str, Any]]] = []
        self.outcomes = list(outcomes)

    async def send(self, claim: Claim, payload: dict[str, Any]) -> Outcome:
        self.sent.append((claim, payload))
        return self.outcomes.pop(0) if self.outcomes else Outcome(True)

    def events(self) -> list[dict[str, Any]]:
        return [payload['event'] for _, payload in self.sent]

    def types(self) -> list[str]:
        return [
            event['type'] if 'subtype' not in event else f'{event["type"]}/{event["subtype"]}'
            for event in self.events()
        ]


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def make_app(world: World, name: str = 'Helper', events: tuple[str, ...] = tuple(sorted(EVENT_TYPES))) -> NewApp:
    """An app with every event, whose own arrival (its bot joining the workspace and #general) is delivered."""
    made = create_app(world.ada, world.workspace, name, events_url='http://127.0.0.1:9/events', event_types=events)
    await deliver(RecordingTransport())
    return made


async def deliver(transport: RecordingTransport, clock: Clock | None = None) -> RecordingTransport:
    """Run worker rounds until nothing more is due now."""
    worker = DeliveryWorker(http=transport, now=clock or utcnow)
    while await worker.run_once():
        pass
    return transport
