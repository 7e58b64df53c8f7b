"""Who of these people are server admins (active accounts only): the live inspector checks it at every build
and before every snapshot it pushes, so a revoked or deactivated operator stops seeing it at once."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, select

from db.engine import read_session
from db.models import User


def server_admin_ids(user_ids: Iterable[int]) -> set[int]:
    wanted = set(user_ids)
    if not wanted:
        return set()
    with read_session() as session:
        query = select(User.id).where(col(User.id).in_(wanted), col(User.is_server_admin), col(User.is_active))
        return {user_id for user_id in session.exec(query) if user_id is not None}


def is_server_admin(user_id: int) -> bool:
    return user_id in server_admin_ids([user_id])
