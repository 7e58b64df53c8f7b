"""Delete one sent file (files.delete): its uploader or a workspace owner/admin may.

The message stays (with its text and its other files); everyone viewing it gets the message again without
the file. The bytes go after the commit when no other row uses them.
"""

from __future__ import annotations

from sqlmodel import select

from db.models import Attachment, Message
from db.view_builders import message_views
from state.actions.file_release import delete_unreferenced_files
from state.actions.guards import active_user, is_admin, visible_channel, workspace_membership
from state.actions.messages import message_topics
from state.errors import Forbidden, NotFound
from state.events import MessageUpdated
from state.unit_of_work import unit_of_work

FILE_NOT_FOUND = 'File not found.'


def delete_file(actor_id: int, public_id: str) -> None:
    with unit_of_work() as uow:
        session = uow.session
        active_user(session, actor_id)
        row = session.exec(select(Attachment).where(Attachment.public_id == public_id)).first()
        if row is None or row.message_id is None:
            raise NotFound(FILE_NOT_FOUND, code='file_not_found')
        try:
            channel, _ = visible_channel(session, actor_id, row.channel_id)
        except NotFound as error:  # a file in a conversation one cannot read does not exist for them
            raise NotFound(FILE_NOT_FOUND, code='file_not_found') from error
        admin = is_admin(workspace_membership(session, channel.workspace_id, actor_id))
        if row.uploader_id != actor_id and not admin:
            raise Forbidden('Only the person who shared a file, or an admin, can delete it.', code='cant_delete_file')
        message = session.get(Message, row.message_id)
        sha256 = row.sha256
        session.delete(row)
        session.flush()
        if message is not None:
            view = message_views(session, [message])[0]
            updated = MessageUpdated(workspace_id=channel.workspace_id, message=view)
            uow.publish_many((topic, updated) for topic in message_topics(message))
        uow.after_commit(lambda: _delete_bytes(sha256))


def _delete_bytes(sha256: str) -> None:
    delete_unreferenced_files({sha256})
