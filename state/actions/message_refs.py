"""The renderer's resolver backed by the database: members and channels of the message's workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from db.models import Channel, ChannelKind, User, WorkspaceMember
from state.render import ChannelRef, UserRef

MAX_CANDIDATES = 25  # people sharing the first word of a name; the longest full match among them wins
MAX_LOOKUPS = 50  # distinct names one message may make us look up (a text full of "@a @b ..." costs no more)


def _like_prefix(text: str) -> str:
    escaped = text.lower().replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')
    return f'{escaped}%'


@dataclass
class WorkspaceResolver:
    session: Session
    workspace_id: int
    workspace_slug: str
    channel_id: int  # the conversation being written in: its own name may be referenced even when private
    _users: dict[str, list[UserRef]] = field(default_factory=dict)
    _channels: dict[str, ChannelRef | None] = field(default_factory=dict)

    def users_with_prefix(self, prefix: str) -> Sequence[UserRef]:
        key = prefix.lower()
        if key not in self._users:
            self._users[key] = self._find_users(key) if self._lookups() < MAX_LOOKUPS else []
        return self._users[key]

    def channel_named(self, name: str) -> ChannelRef | None:
        if name not in self._channels:
            self._channels[name] = self._find_channel(name) if self._lookups() < MAX_LOOKUPS else None
        return self._channels[name]

    def _lookups(self) -> int:
        return len(self._users) + len(self._channels)

    def _find_users(self, prefix: str) -> list[UserRef]:
        rows = self.session.exec(
            select(User.id, User.display_name)
            .join(WorkspaceMember, col(WorkspaceMember.user_id) == User.id)
            .where(
                WorkspaceMember.workspace_id == self.workspace_id,
                col(User.is_active).is_(True),
                func.lower(User.display_name).like(_like_prefix(prefix), escape='\\'),
            )
            .order_by(col(User.id))
            .limit(MAX_CANDIDATES)
        ).all()
        return [UserRef(uid, name) for uid, name in rows if uid is not None]

    def _find_channel(self, name: str) -> ChannelRef | None:
        # Only channels every reader may open get a link: public ones, and the one written in.
        row = self.session.exec(
            select(Channel.id, Channel.name).where(
                Channel.workspace_id == self.workspace_id,
                Channel.name == name,
                or_(col(Channel.kind) == ChannelKind.PUBLIC, col(Channel.id) == self.channel_id),
            )
        ).first()
        if row is None or row[0] is None or row[1] is None:
            return None
        return ChannelRef(row[0], row[1])
