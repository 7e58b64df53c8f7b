"""Ephemeral messages: shown to one person in one conversation, live, and never stored (as Slack's are).

They travel as `EphemeralPosted` on the reader's own `user:{id}` topic, so every tab of theirs (on every node)
shows them and nobody else's does; a reload forgets them. The text is rendered like a stored message.
`post_ephemeral` is chat.postEphemeral's action; `show_ephemeral` is for answers to a person's own command,
whose authorization was checked when the command ran.
"""

from __future__ import annotations

import secrets

from sqlmodel import Session

from db import authz
from db.models import Channel, ChannelMember, User, Workspace, utcnow
from settings import get_settings
from state.actions.guards import active_user, joined_channel, writable
from state.actions.message_refs import WorkspaceResolver
from state.bus import user_topic
from state.errors import Forbidden, InvalidInput, NotFound
from state.events import EphemeralPosted, EphemeralView
from state.render import render_message
from state.text_safety import strip_unsafe_characters
from state.unit_of_work import unit_of_work


def post_ephemeral(
    actor_id: int, channel_id: int, user_id: int, text: str, thread_root_id: int | None = None
) -> EphemeralView:
    """Someone who may post in the channel shows `text` to one other member of it, as themselves."""
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = joined_channel(session, actor_id, channel_id)
        writable(channel)
        reader = session.get(User, user_id)
        if reader is None or not authz.is_active_user(reader):
            raise NotFound('That person does not exist.', code='user_not_found')
        if session.get(ChannelMember, (channel_id, user_id)) is None:
            raise Forbidden('That person is not in this conversation.', code='user_not_in_channel')
        view = _view(session, channel.workspace_id, channel_id, thread_root_id, active_user(session, actor_id), text)
        uow.publish(user_topic(user_id), EphemeralPosted(user_id=user_id, message=view))
    return view


def show_ephemeral(
    user_id: int, channel_id: int, thread_root_id: int | None, author_id: int, text: str
) -> EphemeralView | None:
    """An answer to `user_id`'s own command, shown as `author_id` (the command's bot); None when it says nothing."""
    if not text.strip():
        return None
    with unit_of_work() as uow:
        session = uow.session
        author = session.get(User, author_id)
        workspace_id = _workspace_of(session, channel_id)
        if author is None or workspace_id is None:
            raise NotFound('The command no longer exists.')
        view = _view(session, workspace_id, channel_id, thread_root_id, author, text)
        uow.publish(user_topic(user_id), EphemeralPosted(user_id=user_id, message=view))
    return view


# ---- helpers ----------------------------------------------------------------------------------------------


def _view(
    session: Session, workspace_id: int, channel_id: int, thread_root_id: int | None, author: User, text: str
) -> EphemeralView:
    body = _clean(text)
    workspace = session.get(Workspace, workspace_id)
    resolver = WorkspaceResolver(session, workspace_id, workspace.slug if workspace is not None else '', channel_id)
    return EphemeralView(
        id=secrets.token_hex(8),
        channel_id=channel_id,
        thread_root_id=thread_root_id,
        author_name=author.display_name,
        html=render_message(body, resolver).html,
        created_at=utcnow(),
    )


def _workspace_of(session: Session, channel_id: int) -> int | None:
    channel = session.get(Channel, channel_id)
    return channel.workspace_id if channel is not None else None


def _clean(text: str) -> str:
    """The same rules as a message's text: no control codes, not empty, not longer than a message may be."""
    body = strip_unsafe_characters(text if isinstance(text, str) else '').strip()
    if not body:
        raise InvalidInput('A message cannot be empty.', code='no_text')
    limit = get_settings().max_message_chars
    if len(body) > limit:
        raise InvalidInput(f'A message can be at most {limit:,} characters long.', code='msg_too_long')
    return body
