"""Profile pictures: upload (replacing the current one) and removal, by the person themselves.

The picture is checked and cut into its sizes first (state/files/avatar_images.py), written under a new
version, and only then named in the database; after the commit the older versions are removed and every
workspace of the person hears `UserChanged` with the new `avatar_version`, so lists and cards show the new
picture at once. One person's uploads run one at a time on a node (a lock), so the clean-up after one commit
never removes the files of another upload that is about to commit.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from state.actions.guards import active_user
from state.actions.profile import publish_user_changed, user_view
from state.events import UserView
from state.files import avatar_store
from state.files.avatar_images import avatar_sizes
from state.unit_of_work import unit_of_work

_locks: defaultdict[int, threading.Lock] = defaultdict(threading.Lock)


def set_avatar(actor_id: int, data: bytes) -> UserView:
    """Raises `InvalidInput` (empty, too large, not an image, damaged, too many pixels) before anything changes."""
    with unit_of_work() as uow:  # refuse a deactivated or unknown actor before decoding anything
        active_user(uow.session, actor_id)
    sizes = avatar_sizes(data)
    with _locks[actor_id]:
        version = avatar_store.new_version(actor_id)
        avatar_store.write_version(actor_id, version, sizes)
        try:
            with unit_of_work() as uow:
                user = active_user(uow.session, actor_id)
                user.avatar_version = version
                uow.session.add(user)
                view = user_view(user)
                publish_user_changed(uow.session, actor_id, view)
        except BaseException:
            avatar_store.remove_version(actor_id, version)  # never named: the current picture stays
            raise
        avatar_store.remove_versions(actor_id, keep=version)
    return view


def remove_avatar(actor_id: int) -> UserView:
    """Back to the generated picture (identicon in the API, initials in the UI)."""
    with _locks[actor_id]:
        with unit_of_work() as uow:
            user = active_user(uow.session, actor_id)
            if user.avatar_version == 0:
                return user_view(user)
            user.avatar_version = 0
            uow.session.add(user)
            view = user_view(user)
            publish_user_changed(uow.session, actor_id, view)
        avatar_store.remove_versions(actor_id, keep=None)
    return view
