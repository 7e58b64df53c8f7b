"""Emoji reactions on messages: add, remove, toggle. Idempotent: repeating one changes and publishes nothing."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.models import Reaction
from state.actions.guards import joined_channel, live_message, writable
from state.actions.messages import message_topics
from state.errors import InvalidInput
from state.events import ReactionChanged, ReactionView
from state.rate_limit import limiter
from state.render import canonical_shortcode
from state.unit_of_work import unit_of_work

MAX_DISTINCT_EMOJI = 50  # per message, so one message cannot grow an unbounded reaction bar


def add_reaction(actor_id: int, message_id: int, emoji: str) -> ReactionView:
    return _react(actor_id, message_id, emoji, want=True)[0]


def remove_reaction(actor_id: int, message_id: int, emoji: str) -> ReactionView:
    return _react(actor_id, message_id, emoji, want=False)[0]


def toggle_reaction(actor_id: int, message_id: int, emoji: str) -> ReactionView:
    """Add the actor's reaction, or take it back if they already reacted with that emoji."""
    return _react(actor_id, message_id, emoji, want=None)[0]


def set_reaction(actor_id: int, message_id: int, emoji: str, *, add: bool) -> tuple[ReactionView, bool]:
    """Add or remove the actor's reaction; also says whether anything changed (the Web API reports
    `already_reacted` / `no_reaction` where the UI simply shows the outcome)."""
    return _react(actor_id, message_id, emoji, want=add)


def _react(actor_id: int, message_id: int, emoji: str, *, want: bool | None) -> tuple[ReactionView, bool]:
    shortcode = _shortcode(emoji)
    limiter.take('reaction', actor_id)
    try:
        return _apply(actor_id, message_id, shortcode, want)
    except IntegrityError:
        # Another tab of the same person added it at the same moment: the outcome they wanted holds.
        return _apply(actor_id, message_id, shortcode, want if want is not None else True)


def _apply(actor_id: int, message_id: int, shortcode: str, want: bool | None) -> tuple[ReactionView, bool]:
    """The reaction as it stands afterwards, and whether anything changed (only then is it announced)."""
    with unit_of_work() as uow:
        session = uow.session
        message = live_message(session, message_id)
        channel, _ = joined_channel(session, actor_id, message.channel_id)
        writable(channel)
        existing = session.exec(
            select(Reaction).where(
                Reaction.message_id == message_id, Reaction.user_id == actor_id, Reaction.emoji == shortcode
            )
        ).first()
        add = existing is None if want is None else want
        if add == (existing is not None):
            return _aggregate(session, message_id, shortcode), False  # already as wanted
        if add:
            _check_room(session, message_id, shortcode)
            session.add(Reaction(message_id=message_id, user_id=actor_id, emoji=shortcode))
        else:
            session.delete(existing)
        session.flush()
        view = _aggregate(session, message_id, shortcode)
        changed = ReactionChanged(
            workspace_id=channel.workspace_id,
            channel_id=message.channel_id,
            message_id=message_id,
            thread_root_id=message.thread_root_id,
            message_author_id=message.author_id,
            user_id=actor_id,
            added=add,
            reaction=view,
        )
        uow.publish_many((topic, changed) for topic in message_topics(message))
        return view, True


def _shortcode(emoji: str) -> str:
    shortcode = canonical_shortcode(emoji) if isinstance(emoji, str) else None
    if shortcode is None:
        raise InvalidInput(f'Unknown emoji: {str(emoji)[:40]!r}.', code='invalid_name')
    return shortcode


def _check_room(session: Session, message_id: int, shortcode: str) -> None:
    used = set(session.exec(select(Reaction.emoji).where(Reaction.message_id == message_id).distinct()).all())
    if shortcode not in used and len(used) >= MAX_DISTINCT_EMOJI:
        raise InvalidInput(
            f'A message can have at most {MAX_DISTINCT_EMOJI} different reactions.', code='too_many_reactions'
        )


def _aggregate(session: Session, message_id: int, shortcode: str) -> ReactionView:
    user_ids = session.exec(
        select(Reaction.user_id)
        .where(Reaction.message_id == message_id, Reaction.emoji == shortcode)
        .order_by(col(Reaction.id))
    ).all()
    return ReactionView(emoji=shortcode, count=len(user_ids), user_ids=tuple(user_ids))
