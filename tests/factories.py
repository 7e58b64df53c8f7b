"""Test data straight through the models (no actions), plus a recorder for published bus events.

Shared helpers: any test module may use and extend them. Factories write with `session_scope()` and return
the committed rows (their ids are set; sessions do not expire them on commit).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select

from db.engine import read_session, session_scope
from db.models import (
    Channel,
    ChannelKind,
    ChannelMember,
    User,
    Workspace,
    WorkspaceMember,
    WorkspaceRole,
)
from state.bus import InProcessBackend, bus
from state.events import Event, MessageView

_serial = itertools.count(1)
E = TypeVar('E')


def make_user(name: str = 'Ada', *, email: str | None = None, read_receipts: bool = True) -> User:
    n = next(_serial)
    user = User(
        email=email or f'user{n}@example.com',
        display_name=name,
        password_hash='not-a-real-hash',
        send_read_receipts=read_receipts,
    )
    with session_scope() as session:
        session.add(user)
    return user


def make_workspace(owner: User, name: str = 'Acme', *, slug: str | None = None) -> Workspace:
    """A workspace owned by `owner`, with a public #general the owner belongs to."""
    workspace = Workspace(name=name, slug=slug or f'acme-{next(_serial)}', created_by=owner.id)
    with session_scope() as session:
        session.add(workspace)
        session.flush()
        session.add(WorkspaceMember(workspace_id=_id(workspace.id), user_id=_id(owner.id), role=WorkspaceRole.OWNER))
        general = Channel(workspace_id=_id(workspace.id), name='general', created_by=owner.id)
        session.add(general)
        session.flush()
        session.add(ChannelMember(channel_id=_id(general.id), user_id=_id(owner.id)))
    return workspace


def add_member(workspace: Workspace, user: User, role: WorkspaceRole = WorkspaceRole.MEMBER) -> None:
    """Join the workspace and its #general (a guest joins the workspace only, as a guest invite does)."""
    with session_scope() as session:
        session.add(WorkspaceMember(workspace_id=_id(workspace.id), user_id=_id(user.id), role=role))
        if role == WorkspaceRole.GUEST:
            return
        general = session.exec(
            select(Channel).where(Channel.workspace_id == workspace.id, Channel.name == 'general')
        ).one()
        session.add(ChannelMember(channel_id=_id(general.id), user_id=_id(user.id)))


def general_of(workspace: Workspace) -> Channel:
    with read_session() as session:
        return session.exec(
            select(Channel).where(Channel.workspace_id == workspace.id, Channel.name == 'general')
        ).one()


def make_channel(
    workspace: Workspace,
    name: str | None,
    members: Iterable[User] = (),
    *,
    kind: ChannelKind = ChannelKind.PUBLIC,
    archived: bool = False,
    dm_key: str | None = None,
) -> Channel:
    people = list(members)
    channel = Channel(
        workspace_id=_id(workspace.id),
        name=name,
        kind=kind,
        archived=archived,
        dm_key=dm_key,
        created_by=people[0].id if people else None,
    )
    with session_scope() as session:
        session.add(channel)
        session.flush()
        for user in people:
            session.add(ChannelMember(channel_id=_id(channel.id), user_id=_id(user.id)))
    return channel


def join(channel: Channel, user: User) -> None:
    with session_scope() as session:
        session.add(ChannelMember(channel_id=_id(channel.id), user_id=_id(user.id)))


def add_row(row: SQLModel) -> SQLModel:
    with session_scope() as session:
        session.add(row)
    return row


def update_row(model: type[SQLModel], key: object, **values: object) -> None:
    """Change columns of one row, bypassing actions (to set up a state the test needs)."""
    with session_scope() as session:
        row = session.get(model, key)
        if row is None:
            raise LookupError(f'no {model.__name__} {key!r}')
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)


def count_rows(model: type, **where: object) -> int:
    with read_session() as session:
        query: Any = select(model)
        for name, value in where.items():
            query = query.where(col(getattr(model, name)) == value)
        return len(session.exec(query).all())


@dataclass
class World:
    """A small workspace most action tests start from (ids only)."""

    ada: int  # owner of the workspace
    bob: int
    carl: int  # a workspace member who is only in #general
    eve: int  # in another workspace entirely
    workspace: int
    slug: str
    general: int  # everyone but eve
    private: int  # private: ada and bob
    side: int  # public: ada only


def build_world() -> World:
    ada, bob, carl, eve = make_user('Ada'), make_user('Bob'), make_user('Carl'), make_user('Eve')
    workspace = make_workspace(ada)
    add_member(workspace, bob)
    add_member(workspace, carl)
    make_workspace(eve, 'Other')
    private = make_channel(workspace, 'secret', [ada, bob], kind=ChannelKind.PRIVATE)
    side = make_channel(workspace, 'side', [ada])
    return World(
        ada=_id(ada.id),
        bob=_id(bob.id),
        carl=_id(carl.id),
        eve=_id(eve.id),
        workspace=_id(workspace.id),
        slug=workspace.slug,
        general=_id(general_of(workspace).id),
        private=_id(private.id),
        side=_id(side.id),
    )


class RecordingBackend(InProcessBackend):
    """The in-process backend that also keeps every published (topic, event), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, Event]] = []

    def publish(self, items: list[tuple[str, Event]]) -> None:
        self.items.extend(items)
        super().publish(items)

    def types(self) -> list[tuple[str, str]]:
        return [(topic, event.type) for topic, event in self.items]

    def of_type(self, event_type: type[E]) -> list[tuple[str, E]]:
        return [(topic, event) for topic, event in self.items if isinstance(event, event_type)]

    def clear(self) -> None:
        self.items.clear()


@contextmanager
def recording_bus() -> Iterator[RecordingBackend]:
    """Run the bus on a recording backend for a synchronous test, then put the default backend back."""
    backend = RecordingBackend()
    asyncio.run(bus.start(backend))
    try:
        yield backend
    finally:
        asyncio.run(bus.stop())
        bus.backend = InProcessBackend()


def _id(value: int | None) -> int:
    if value is None:
        raise AssertionError('row has no id after flush')
    return value


def sample_message_view() -> MessageView:
    """A message as events carry it, for tests that need one but no database."""
    return MessageView(
        id=7,
        channel_id=1,
        thread_root_id=None,
        author_id=2,
        author_name='Ada',
        html='<p>hi</p>',
        body='hi',
        created_at=datetime(2026, 11, 27, tzinfo=UTC),
        ts_us=1_795_737_600_000_000,
    )
