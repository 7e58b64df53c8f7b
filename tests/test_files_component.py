"""The uploader component's server side (pending ids for the composer, discarding) and the URL helper."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from nicegui import app, ui
from nicegui.testing import User
from sqlmodel import select

import state.runtime
from components.attachments import AttachmentUploader, file_urls
from db.engine import read_session, session_scope
from db.models import Attachment, utcnow
from state.actions.accounts import start_session
from state.actions.uploads import store_upload
from state.events import AttachmentView
from state.files.csrf import upload_token
from state.web_session import COOKIE_TOKEN_KEY
from tests import files_support as samples
from tests.files_support import World, make_world


def test_file_urls_for_an_image_and_a_file() -> None:
    image = AttachmentView(id='abc', name='My photo.png', size=10, mime='image/png', width=1200, height=600,
                           has_thumbnail=True)  # fmt: skip
    assert file_urls(image) == {
        'url': '/files/abc/My%20photo.png',
        'thumb_url': '/files/abc/thumb',
        'thumb_width': 360,
        'thumb_height': 180,
    }
    card = AttachmentView(id='def', name='a/b?.pdf', size=10, mime='application/pdf')
    assert file_urls(card) == {'url': '/files/def/a%2Fb%3F.pdf', 'thumb_url': None, 'thumb_width': None,
                               'thumb_height': None}  # fmt: skip


def _row_ids() -> set[str]:
    with read_session() as session:
        return set(session.exec(select(Attachment.public_id)).all())


@pytest.fixture
def world(user: User) -> World:
    return make_world()


async def test_uploader_tracks_pending_files_for_the_composer(user: User, world: World) -> None:
    changes: list[tuple[list[str], bool]] = []
    uploaders: list[AttachmentUploader] = []
    session_tokens: list[str] = []

    @ui.page('/_test/uploader')
    def page() -> None:
        token, _ = start_session(world.owner)
        app.storage.browser[COOKIE_TOKEN_KEY] = token  # what a log-in leaves in the cookie
        session_tokens.append(token)
        uploader = AttachmentUploader(
            world.owner, world.general, on_change=lambda: changes.append((uploader.pending_ids(), uploader.is_busy))
        )
        uploaders.append(uploader)

    await user.open('/_test/uploader')
    [uploader] = uploaders
    assert uploader.props['token'] == upload_token(session_tokens[0])
    assert uploader.props['channel-id'] == world.general

    first = store_upload(world.owner, world.general, 'a.txt', [b'first'])
    second = store_upload(world.owner, world.general, 'b.pdf', [samples.PDF])
    elsewhere = store_upload(world.owner, world.private, 'c.txt', [b'other channel'])
    element = user.find(AttachmentUploader)
    element.trigger('busy', {'count': 2})
    assert uploader.is_busy
    for view in (first, second):
        element.trigger('uploaded', {'channel_id': world.general, 'view': view.model_dump()})
    element.trigger('busy', {'count': 0})
    assert uploader.pending_ids() == [first.id, second.id]
    assert uploader.has_files and not uploader.is_busy
    assert changes[-1] == ([first.id, second.id], False)

    element.trigger('uploaded', {'channel_id': world.private, 'view': elsewhere.model_dump()})  # a stale one
    assert uploader.pending_ids() == [first.id, second.id]
    assert elsewhere.id not in _row_ids()  # discarded, not left for the cleanup

    element.trigger('removed', {'id': first.id})
    assert uploader.pending_ids() == [second.id]
    assert first.id not in _row_ids()

    uploader.clear_pending()  # after a successful send the rows stay (the message owns them now)
    assert uploader.pending_ids() == [] and not uploader.has_files
    assert second.id in _row_ids()


async def test_switching_conversation_discards_unsent_uploads(user: User, world: World) -> None:
    uploaders: list[AttachmentUploader] = []

    @ui.page('/_test/uploader-switch')
    def page() -> None:
        zone = ui.element('div')
        with zone:
            uploaders.append(AttachmentUploader(world.owner, world.general, drop_zone=zone, token='t'))

    await user.open('/_test/uploader-switch')
    [uploader] = uploaders
    assert uploader.props['drop-target'].startswith('c')
    view = store_upload(world.owner, world.general, 'a.txt', [b'unsent'])
    user.find(AttachmentUploader).trigger('uploaded', {'channel_id': world.general, 'view': view.model_dump()})
    uploader.set_channel(world.private)
    assert uploader.pending_ids() == []
    assert uploader.props['channel-id'] == world.private
    assert view.id not in _row_ids()


async def test_the_app_timer_cleans_up_old_pending_uploads(user: User, world: World) -> None:
    view = store_upload(world.member, world.general, 'forgotten.txt', [b'never sent'])
    with session_scope() as session:
        row = session.exec(select(Attachment).where(Attachment.public_id == view.id)).one()
        row.created_at = utcnow() - timedelta(days=2)
        session.add(row)
    state.runtime.tick(now=time.monotonic() + 3601)  # the hourly job is due
    for _ in range(200):  # the job runs in a worker thread; wait for its result, at most ~10 s
        if view.id not in _row_ids():
            break
        await asyncio.sleep(0.05)
    assert view.id not in _row_ids()
