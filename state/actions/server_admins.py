"""Server admins: the operators of this server (the live inspector at /admin/live), not of one workspace.

Only the command line grants or takes the role (`main.py grant-server-admin --email E`, `create-user
--server-admin`): whoever runs it already holds the server's data dir, so there is no actor to authorize.
"""

from __future__ import annotations

from sqlmodel import select

from db.models import User
from state.errors import NotFound
from state.security import normalize_email
from state.unit_of_work import unit_of_work

NO_SUCH_ACCOUNT = 'There is no account with this e-mail address.'


def set_server_admin(email: str, *, admin: bool = True) -> User:
    """Grant (or take) the server-admin role of the account with this e-mail; NotFound when there is none."""
    with unit_of_work() as uow:
        user = uow.session.exec(select(User).where(User.email == normalize_email(email))).first()
        if user is None:
            raise NotFound(NO_SUCH_ACCOUNT)
        user.is_server_admin = admin
        uow.session.add(user)
        uow.session.flush()
        uow.session.refresh(user)
        uow.session.expunge(user)
        return user
