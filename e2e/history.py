"""Bulk history for the scroll tests, written through the real send action (run in a separate process)."""

from __future__ import annotations

import uuid

from sqlmodel import select

from db.engine import read_session
from db.models import User
from db.workspace_queries import general_channel, workspace_by_name_or_slug
from server import init_database
from settings import get_settings
from state import rate_limit
from state.actions.messages import send_message


def fill_general(workspace: str, email: str, count: int, prefix: str = 'history', purpose: str = 'scroll test') -> None:
    init_database(get_settings())
    found = workspace_by_name_or_slug(workspace)
    with read_session() as session:
        user = session.exec(select(User).where(User.email == email)).first()
    assert found is not None and found.id is not None and user is not None and user.id is not None
    general = general_channel(found.id)
    assert general is not None and general.id is not None
    with rate_limit.exempt():  # bulk history, written by the test itself
        for i in range(count):
            send_message(user.id, general.id, f'{prefix} {i} of the {purpose}', uuid.uuid4().hex)
