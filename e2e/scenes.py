"""Database set-ups for e2e tests that the UI cannot make yet, run in a separate process before pages open."""

from __future__ import annotations

from sqlmodel import select

from db.engine import read_session
from db.models import User
from db.workspace_queries import workspace_by_name_or_slug
from server import init_database
from settings import get_settings
from state.actions.channels import create_channel, invite_to_channel


def private_channel(workspace: str, owner_email: str, member_email: str, name: str) -> None:
    """A private channel of the owner's, with the member added (inviting has no UI yet)."""
    init_database(get_settings())
    found = workspace_by_name_or_slug(workspace)
    with read_session() as session:
        owner = session.exec(select(User).where(User.email == owner_email)).one()
        member = session.exec(select(User).where(User.email == member_email)).one()
    assert found is not None and found.id is not None and owner.id is not None and member.id is not None
    channel = create_channel(owner.id, found.id, name, private=True)
    invite_to_channel(owner.id, channel.id, member.id)


def bodies_by_author(workspace: str) -> dict[str, list[str]]:
    """Every stored message of the workspace, per author's email, in the server's order (for loss checks)."""
    from db.models import Channel, Message

    init_database(get_settings())
    found = workspace_by_name_or_slug(workspace)
    assert found is not None
    stored: dict[str, list[str]] = {}
    with read_session() as session:
        rows = session.exec(
            select(User.email, Message.body)
            .join(Message, Message.author_id == User.id)  # type: ignore[arg-type]
            .join(Channel, Channel.id == Message.channel_id)  # type: ignore[arg-type]
            .where(Channel.workspace_id == found.id)
            .order_by(Message.id)  # type: ignore[arg-type]
        ).all()
    for email, body in rows:
        stored.setdefault(email, []).append(body)
    return stored


def direct_conversation(workspace: str, first_email: str, second_email: str) -> None:
    """A DM between two people, so the first one's sidebar shows the second one's presence dot."""
    from state.actions.channels import open_direct

    init_database(get_settings())
    found = workspace_by_name_or_slug(workspace)
    with read_session() as session:
        first = session.exec(select(User).where(User.email == first_email)).one()
        second = session.exec(select(User).where(User.email == second_email)).one()
    assert found is not None and found.id is not None and first.id is not None and second.id is not None
    open_direct(first.id, found.id, [second.id])
