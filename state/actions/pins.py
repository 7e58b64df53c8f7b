"""Pins: members of a channel pin its messages to the header's pinned list, and unpin them.

After each change the channel's pinned ids are published on `channel:{id}` (`PinsChanged`), so every open tab
of the channel sets its count and row markers from the event alone. A deleted message loses its pin in the
same transaction as the deletion (`drop_pin_of`, called by `delete_message`).
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from db.models import Message, Pin
from db.pin_queries import pinned_ids_in
from state.actions.guards import joined_channel, live_message, require_id, visible_channel, writable
from state.bus import channel_topic
from state.errors import Conflict, InvalidInput, NotFound
from state.events import PinsChanged
from state.rate_limit import limiter
from state.unit_of_work import unit_of_work, unit_of_work_of

MAX_PINS = 100  # per channel, as Slack
NOT_PINNED = 'This message is not pinned.'


def pin_message(actor_id: int, message_id: int) -> None:
    """Pin a message of a channel the actor is a member of; pinning it again is `already_pinned`."""
    limiter.take('pin', actor_id)
    with unit_of_work() as uow:
        session = uow.session
        message = _readable_message(session, actor_id, message_id)
        channel, _ = joined_channel(session, actor_id, message.channel_id)
        writable(channel)
        if session.get(Pin, message_id) is not None:
            raise Conflict('This message is already pinned.', code='already_pinned')
        count = session.exec(select(func.count()).select_from(Pin).where(Pin.channel_id == message.channel_id)).one()
        if count >= MAX_PINS:
            raise InvalidInput(f'A channel can have at most {MAX_PINS} pinned messages.', code='too_many_pins')
        session.add(Pin(message_id=message_id, channel_id=message.channel_id, pinned_by=actor_id))
        session.flush()
        _announce(session, message.channel_id)


def unpin_message(actor_id: int, message_id: int) -> None:
    limiter.take('pin', actor_id)
    with unit_of_work() as uow:
        session = uow.session
        message = _readable_message(session, actor_id, message_id)
        channel, _ = joined_channel(session, actor_id, message.channel_id)
        writable(channel)
        pin = session.get(Pin, message_id)
        if pin is None:
            raise NotFound(NOT_PINNED, code='no_pin')
        session.delete(pin)
        session.flush()
        _announce(session, message.channel_id)


def drop_pin_of(session: Session, message: Message) -> None:
    """Inside a deletion: the message's pin goes with it, and the channel hears the new list after commit."""
    removed = session.execute(delete(Pin).where(col(Pin.message_id) == require_id(message.id)))
    if getattr(removed, 'rowcount', 0):
        session.flush()
        _announce(session, message.channel_id)


def _readable_message(session: Session, actor_id: int, message_id: int) -> Message:
    """A live message in a conversation the actor may read; anything else is not found (ids cannot be probed)."""
    message = live_message(session, message_id)
    visible_channel(session, actor_id, message.channel_id)
    return message


def _announce(session: Session, channel_id: int) -> None:
    changed = PinsChanged(channel_id=channel_id, message_ids=pinned_ids_in(session, channel_id))
    unit_of_work_of(session).publish(channel_topic(channel_id), changed)
