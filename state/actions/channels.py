"""Channels and conversations: create, join, leave, invite, remove, topic, purpose, rename, archive, and DMs.

Announcements never leak private conversations: a public channel's changes go to `workspace:{id}`; a private
channel's or a DM's go to each member's `user:{id}` instead. Membership changes go to the channel and to the
user who joined or left (so their sidebar in every tab follows).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.authz import GENERAL_CHANNEL_NAME, is_guest_role, may_create_channels, may_see_person
from db.engine import read_session
from db.models import Channel, ChannelKind, ChannelMember, NotificationLevel, User, WorkspaceMember
from db.view_builders import to_channel_view
from db.workspace_settings_queries import settings_in_session
from state.actions.guards import (
    CHANNEL_NOT_FOUND,
    active_user,
    is_admin,
    is_general,
    joined_channel,
    require_id,
    visible_channel,
    workspace_membership,
    writable,
)
from state.bus import channel_topic, user_topic, workspace_topic
from state.errors import Conflict, Forbidden, InvalidInput, NotFound
from state.events import (
    ChannelCreated,
    ChannelUpdated,
    ChannelView,
    Event,
    MemberJoined,
    MemberLeft,
    NotificationsChanged,
    UserView,
)
from state.rate_limit import limiter
from state.text_safety import strip_unsafe_characters
from state.unit_of_work import unit_of_work, unit_of_work_of

MAX_NAME = 80
MAX_TOPIC = 250
NOTIFICATION_LEVELS = tuple(level.value for level in NotificationLevel)
MAX_GROUP_OTHERS = 8  # a group conversation holds the actor and up to eight others
_NAME_RE = re.compile(r'[a-z0-9_-]+')
WORKSPACE_NOT_FOUND = 'This workspace does not exist or you are not a member of it.'


def clean_channel_name(name: str) -> str:
    """Slack's rules: lowercase letters, digits, hyphens and underscores, 1 to 80 characters, no spaces."""
    candidate = (name or '').strip().removeprefix('#').lower()
    if not candidate:
        raise InvalidInput('A channel needs a name.', code='invalid_name')
    if len(candidate) > MAX_NAME:
        raise InvalidInput(f'Channel names can be at most {MAX_NAME} characters long.', code='invalid_name')
    if any(char.isspace() for char in candidate):
        raise InvalidInput(
            'Channel names cannot contain spaces; use hyphens or underscores instead.', code='invalid_name'
        )
    if not _NAME_RE.fullmatch(candidate):
        raise InvalidInput(
            'Channel names can only contain lowercase letters, numbers, hyphens and underscores.', code='invalid_name'
        )
    return candidate


def clean_topic(topic: str) -> str:
    text = ' '.join(strip_unsafe_characters(topic or '').split())  # one line, single spaces
    if len(text) > MAX_TOPIC:
        raise InvalidInput(f'A topic can be at most {MAX_TOPIC} characters long.')
    return text


_CREATE_REFUSED = 'Only workspace owners and admins can create channels here.'


def _is_guest(session: Session, workspace_id: int, user_id: int) -> bool:
    membership = workspace_membership(session, workspace_id, user_id)
    return membership is not None and is_guest_role(membership.role)


def create_channel(actor_id: int, workspace_id: int, name: str, private: bool = False, topic: str = '') -> ChannelView:
    """A new public or private channel; the creator is its first member."""
    clean_name = clean_channel_name(name)
    clean = clean_topic(topic)
    limiter.take('channel', actor_id)
    try:
        with unit_of_work() as uow:
            session = uow.session
            user = active_user(session, actor_id)
            membership = workspace_membership(session, workspace_id, actor_id)
            if membership is None:
                raise NotFound(WORKSPACE_NOT_FOUND)
            if not may_create_channels(membership.role, settings_in_session(session, workspace_id).channel_creators):
                raise Forbidden(_CREATE_REFUSED, code='restricted_action')
            _name_is_free(session, workspace_id, clean_name)
            channel = Channel(
                workspace_id=workspace_id,
                kind=ChannelKind.PRIVATE if private else ChannelKind.PUBLIC,
                name=clean_name,
                topic=clean,
                created_by=actor_id,
            )
            session.add(channel)
            session.flush()
            channel_id = require_id(channel.id)
            session.add(ChannelMember(channel_id=channel_id, user_id=actor_id))
            session.flush()
            view = to_channel_view(channel)
            _announce(session, channel, ChannelCreated(channel=view))
            _joined(session, workspace_id, channel_id, user)
    except IntegrityError as error:
        raise Conflict(f'A channel named #{clean_name} already exists.', code='name_taken') from error
    return view


def join_channel(actor_id: int, channel_id: int) -> ChannelView:
    """Join a public channel (private ones are joined by invitation). Joining again changes nothing."""
    with unit_of_work() as uow:
        session = uow.session
        user = active_user(session, actor_id)
        channel, member = visible_channel(session, actor_id, channel_id)
        view = to_channel_view(channel)
        if member is not None:
            return view
        if channel.kind != ChannelKind.PUBLIC:
            raise NotFound(CHANNEL_NOT_FOUND, code='channel_not_found')
        writable(channel)
        # A newcomer starts with nothing unread: the history is there to scroll, not to badge.
        session.add(
            ChannelMember(channel_id=channel_id, user_id=actor_id, last_read_message_id=channel.last_message_id)
        )
        _joined(session, channel.workspace_id, channel_id, user)
    return view


def set_notifications(actor_id: int, channel_id: int, level: str, muted: bool) -> None:
    """How a conversation notifies this member: every message, mentions only or nothing; muted also
    greys it out and keeps it out of the unread total. Only the member's own tabs hear of it."""
    if level not in NOTIFICATION_LEVELS:
        raise InvalidInput('Notifications can be: all, mentions or nothing.')
    with unit_of_work() as uow:
        session = uow.session
        _, member = joined_channel(session, actor_id, channel_id)
        if (member.notification_level, member.muted) == (level, bool(muted)):
            return
        member.notification_level = NotificationLevel(level)
        member.muted = bool(muted)
        session.add(member)
        changed = NotificationsChanged(channel_id=channel_id, user_id=actor_id, level=level, muted=bool(muted))
        uow.publish(user_topic(actor_id), changed)


def leave_channel(actor_id: int, channel_id: int) -> None:
    with unit_of_work() as uow:
        session = uow.session
        channel, member = joined_channel(session, actor_id, channel_id)
        if is_general(channel):
            raise Forbidden('Everyone stays in #general.')
        if channel.kind not in (ChannelKind.PUBLIC, ChannelKind.PRIVATE):
            raise Forbidden('Direct messages cannot be left.')
        session.delete(member)
        left = MemberLeft(workspace_id=channel.workspace_id, channel_id=channel_id, user_id=actor_id)
        uow.publish_many([(channel_topic(channel_id), left), (user_topic(actor_id), left)])


def invite_to_channel(actor_id: int, channel_id: int, user_id: int) -> None:
    """A member adds another workspace member to a channel (the way into a private one)."""
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = joined_channel(session, actor_id, channel_id)
        writable(channel)
        if channel.kind not in (ChannelKind.PUBLIC, ChannelKind.PRIVATE):
            raise InvalidInput('People cannot be added to a direct message; start a new conversation instead.')
        if _is_guest(session, channel.workspace_id, actor_id):
            raise Forbidden('Guests cannot add people to channels.', code='restricted_action')
        invitee = session.get(User, user_id)
        if invitee is None or not invitee.is_active or not workspace_membership(session, channel.workspace_id, user_id):
            raise NotFound('That person is not in this workspace.')
        if session.get(ChannelMember, (channel_id, user_id)) is not None:
            return
        session.add(ChannelMember(channel_id=channel_id, user_id=user_id, last_read_message_id=channel.last_message_id))
        _joined(session, channel.workspace_id, channel_id, invitee)


def remove_from_channel(actor_id: int, channel_id: int, user_id: int) -> None:
    """Take someone out of a channel (conversations.kick): workspace owners and admins; never from #general.

    We have no channel admins, so the workspace's admins are the ones who may. The removed person's tabs
    close a private channel at once (`MemberLeft` on their own topic, as when they leave).
    """
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = visible_channel(session, actor_id, channel_id)
        if channel.kind not in (ChannelKind.PUBLIC, ChannelKind.PRIVATE):
            raise InvalidInput(
                'Nobody can be removed from a direct message.', code='method_not_supported_for_channel_type'
            )
        if not is_admin(workspace_membership(session, channel.workspace_id, actor_id)):
            raise Forbidden('Only workspace owners and admins can remove people from channels.')
        if is_general(channel):
            raise Forbidden('Everyone stays in #general.', code='cant_kick_from_general')
        if user_id == actor_id:
            raise InvalidInput('To leave a channel yourself, leave it.', code='cant_kick_self')
        member = session.get(ChannelMember, (channel_id, user_id))
        if member is None:
            raise NotFound('That person is not in this channel.', code='not_in_channel')
        session.delete(member)
        left = MemberLeft(workspace_id=channel.workspace_id, channel_id=channel_id, user_id=user_id)
        uow.publish_many([(channel_topic(channel_id), left), (user_topic(user_id), left)])


def set_purpose(actor_id: int, channel_id: int, purpose: str) -> ChannelView:
    """The channel's description (Slack's purpose): members may set it, as the topic."""
    clean = clean_topic(purpose)
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = joined_channel(session, actor_id, channel_id)
        writable(channel)
        if channel.purpose == clean:
            return _view(session, channel)
        channel.purpose = clean
        session.add(channel)
        session.flush()
        view = _view(session, channel)
        _announce(session, channel, ChannelUpdated(channel=view))
    return view


def rename_channel(actor_id: int, channel_id: int, name: str) -> ChannelView:
    """A new name: the channel's creator or a workspace owner/admin; never #general, nor to "general"."""
    clean = clean_channel_name(name)
    with unit_of_work() as uow:
        session = uow.session
        channel, member = visible_channel(session, actor_id, channel_id)
        if channel.kind not in (ChannelKind.PUBLIC, ChannelKind.PRIVATE):
            raise InvalidInput('Direct messages have no name.', code='method_not_supported_for_channel_type')
        admin = is_admin(workspace_membership(session, channel.workspace_id, actor_id))
        if not admin and not (member is not None and channel.created_by == actor_id):
            raise Forbidden('Only the channel creator or a workspace admin can rename a channel.')
        writable(channel)
        if is_general(channel) or clean == GENERAL_CHANNEL_NAME:
            raise Forbidden('#general keeps its name.', code='not_authorized')
        if channel.name == clean:
            return _view(session, channel)
        _name_is_free(session, channel.workspace_id, clean)
        channel.name = clean
        session.add(channel)
        session.flush()
        view = _view(session, channel)
        _announce(session, channel, ChannelUpdated(channel=view))
    return view


def set_topic(actor_id: int, channel_id: int, topic: str) -> ChannelView:
    clean = clean_topic(topic)
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = joined_channel(session, actor_id, channel_id)
        writable(channel)
        if channel.topic == clean:
            return _view(session, channel)
        channel.topic = clean
        session.add(channel)
        session.flush()
        view = _view(session, channel)
        _announce(session, channel, ChannelUpdated(channel=view, change='topic'))
    return view


def archive_channel(actor_id: int, channel_id: int) -> ChannelView:
    """Make a channel read-only (workspace owners and admins; never #general)."""
    return _set_archived(actor_id, channel_id, archived=True)


def unarchive_channel(actor_id: int, channel_id: int) -> ChannelView:
    return _set_archived(actor_id, channel_id, archived=False)


def _set_archived(actor_id: int, channel_id: int, *, archived: bool) -> ChannelView:
    with unit_of_work() as uow:
        session = uow.session
        channel, _ = visible_channel(session, actor_id, channel_id)
        if not is_admin(workspace_membership(session, channel.workspace_id, actor_id)):
            raise Forbidden('Only workspace owners and admins can archive or unarchive channels.')
        if channel.kind not in (ChannelKind.PUBLIC, ChannelKind.PRIVATE):
            raise InvalidInput('Direct messages cannot be archived.')
        if is_general(channel):
            raise Forbidden('#general cannot be archived.')
        if channel.archived == archived:
            return _view(session, channel)
        channel.archived = archived
        session.add(channel)
        session.flush()
        view = _view(session, channel)
        _announce(session, channel, ChannelUpdated(channel=view, change='archive' if archived else 'unarchive'))
    return view


def open_direct(actor_id: int, workspace_id: int, other_user_ids: Sequence[int]) -> ChannelView:
    """The conversation between the actor and these people: found if it exists, else created.

    One other person makes a direct message, two to eight a group; only the actor makes a note to self.
    """
    requested = set(other_user_ids)
    if not requested:
        raise InvalidInput('Choose at least one person.')
    others = requested - {actor_id}
    if len(others) > MAX_GROUP_OTHERS:
        raise InvalidInput(f'A group conversation can have at most {MAX_GROUP_OTHERS + 1} people.')
    people = sorted(others | {actor_id})
    dm_key = ','.join(str(uid) for uid in people)
    existing = _existing_direct(workspace_id, dm_key, actor_id)
    if existing is not None:
        return existing
    limiter.take('direct', actor_id)  # only new conversations count: they land in other people's sidebars
    try:
        with unit_of_work() as uow:
            session = uow.session
            active_user(session, actor_id)
            members = session.exec(
                select(WorkspaceMember.user_id)
                .join(User, col(User.id) == WorkspaceMember.user_id)
                .where(
                    WorkspaceMember.workspace_id == workspace_id,
                    col(WorkspaceMember.user_id).in_(people),
                    col(User.is_active).is_(True),
                )
            ).all()
            if actor_id not in members:
                raise NotFound(WORKSPACE_NOT_FOUND)
            if len(set(members)) != len(people) or not all(
                may_see_person(session, actor_id, workspace_id, uid) for uid in others
            ):  # a guest reaches only the people of their own channels
                raise NotFound('Some of these people are not in this workspace.', code='user_not_found')
            channel = Channel(
                workspace_id=workspace_id,
                kind=ChannelKind.GROUP if len(others) > 1 else ChannelKind.DIRECT,
                dm_key=dm_key,
                created_by=actor_id,
            )
            session.add(channel)
            session.flush()
            channel_id = require_id(channel.id)
            for uid in people:
                session.add(ChannelMember(channel_id=channel_id, user_id=uid))
            session.flush()
            view = to_channel_view(channel, people)
            _announce(session, channel, ChannelCreated(channel=view))
    except IntegrityError:
        # Both people opened it at the same moment; the other request created it.
        raced = _existing_direct(workspace_id, dm_key, actor_id)
        if raced is None:
            raise
        return raced
    return view


# ---- helpers ----------------------------------------------------------------------------------------------


def _existing_direct(workspace_id: int, dm_key: str, actor_id: int) -> ChannelView | None:
    with read_session() as session:
        channel = session.exec(
            select(Channel).where(Channel.workspace_id == workspace_id, Channel.dm_key == dm_key)
        ).first()
        if channel is None or session.get(ChannelMember, (require_id(channel.id), actor_id)) is None:
            return None
        return _view(session, channel)


def _name_is_free(session: Session, workspace_id: int, name: str) -> None:
    taken = session.exec(select(Channel.id).where(Channel.workspace_id == workspace_id, Channel.name == name)).first()
    if taken is not None:
        raise Conflict(f'A channel named #{name} already exists.', code='name_taken')


def _member_ids(session: Session, channel_id: int) -> list[int]:
    return list(
        session.exec(
            select(ChannelMember.user_id)
            .where(ChannelMember.channel_id == channel_id)
            .order_by(col(ChannelMember.user_id))
        ).all()
    )


def _view(session: Session, channel: Channel) -> ChannelView:
    channel_id = require_id(channel.id)
    direct = channel.kind in (ChannelKind.DIRECT, ChannelKind.GROUP)
    return to_channel_view(channel, _member_ids(session, channel_id) if direct else ())


def _announce(session: Session, channel: Channel, event: Event) -> None:
    """Public channels: the whole workspace. Private ones and DMs: their members only."""
    uow = unit_of_work_of(session)
    if channel.kind == ChannelKind.PUBLIC:
        uow.publish(workspace_topic(channel.workspace_id), event)
        return
    uow.publish_many((user_topic(uid), event) for uid in _member_ids(session, require_id(channel.id)))


def _joined(session: Session, workspace_id: int, channel_id: int, user: User) -> None:
    joined = MemberJoined(workspace_id=workspace_id, channel_id=channel_id, user=_user_view(user))
    topics = (channel_topic(channel_id), user_topic(require_id(user.id)))
    unit_of_work_of(session).publish_many((topic, joined) for topic in topics)


def _user_view(user: User) -> UserView:
    return UserView(
        id=require_id(user.id),
        display_name=user.display_name,
        status_text=user.status_text,
        status_emoji=user.status_emoji,
    )
