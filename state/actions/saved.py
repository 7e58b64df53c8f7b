"""Saved items ("save for later", Slack's stars): anyone saves a message they may read, for themselves only.

Changes are announced on the person's own `user:{id}` (`SavedChanged`), so every tab of theirs follows and
nobody else hears of it. Whether a saved message may still be read is decided when the list is read
(`db/pin_queries.py`), so losing access to a channel hides its saved messages at once without touching rows;
a deleted message's saved rows go with it (`drop_saved_of`, called by `delete_message`).
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from db.models import Message, SavedItem, utcnow
from state.actions.guards import live_message, require_id, visible_channel
from state.bus import user_topic
from state.errors import Conflict, NotFound
from state.events import SavedChanged
from state.unit_of_work import unit_of_work, unit_of_work_of

NOT_SAVED = 'This message is not in your saved items.'


def save_message(actor_id: int, message_id: int) -> None:
    """Save a message for later; saving it again is `already_starred` (Slack's code). A done item comes back."""
    with unit_of_work() as uow:
        session = uow.session
        _readable_message(session, actor_id, message_id)
        item = session.get(SavedItem, (actor_id, message_id))
        if item is not None and item.done_at is None:
            raise Conflict('You already saved this message.', code='already_starred')
        if item is None:
            session.add(SavedItem(user_id=actor_id, message_id=message_id))
        else:
            item.done_at = None
            item.saved_at = utcnow()
            session.add(item)
        uow.publish(user_topic(actor_id), SavedChanged(user_id=actor_id, message_id=message_id, saved=True))


def unsave_message(actor_id: int, message_id: int) -> None:
    with unit_of_work() as uow:
        session = uow.session
        _readable_message(session, actor_id, message_id)
        item = session.get(SavedItem, (actor_id, message_id))
        if item is None:
            raise NotFound(NOT_SAVED, code='not_starred')
        session.delete(item)
        uow.publish(user_topic(actor_id), SavedChanged(user_id=actor_id, message_id=message_id, saved=False))


def set_saved_done(actor_id: int, message_id: int, done: bool) -> None:
    """Mark a saved message done (it stays listed, ticked off) or not done again."""
    with unit_of_work() as uow:
        session = uow.session
        _readable_message(session, actor_id, message_id)
        item = session.get(SavedItem, (actor_id, message_id))
        if item is None:
            raise NotFound(NOT_SAVED, code='not_starred')
        if (item.done_at is not None) == done:
            return
        item.done_at = utcnow() if done else None
        session.add(item)
        uow.publish(user_topic(actor_id), SavedChanged(user_id=actor_id, message_id=message_id, saved=True))


def drop_saved_of(session: Session, message: Message) -> None:
    """Inside a deletion: everyone's saved row of the message goes, and each saver's tabs hear of it."""
    message_id = require_id(message.id)
    savers = session.exec(select(SavedItem.user_id).where(SavedItem.message_id == message_id)).all()
    if not savers:
        return
    session.execute(delete(SavedItem).where(col(SavedItem.message_id) == message_id))
    unit_of_work_of(session).publish_many(
        (user_topic(uid), SavedChanged(user_id=uid, message_id=message_id, saved=False)) for uid in savers
    )


def _readable_message(session: Session, actor_id: int, message_id: int) -> Message:
    message = live_message(session, message_id)
    visible_channel(session, actor_id, message.channel_id)
    return message
