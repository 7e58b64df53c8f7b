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
