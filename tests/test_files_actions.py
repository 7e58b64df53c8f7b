"""store_upload, release_for_message, cleanup and download authorization against a real (temp) database."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session, col, select

from db.engine import read_session, session_scope
from db.models import Attachment, Message, Workspace, utcnow
from settings import get_settings
from state.actions.downloads import downloadable_file
from state.actions.file_release import release_for_message
from state.actions.upload_cleanup import PENDING_MAX_AGE, cleanup_uploads
from state.actions.upload_types import set_extra_upload_types
from state.actions.uploads import discard_upload, store_upload
from state.errors import Forbidden, InvalidInput, NotFound
from state.files import storage
from state.files.errors import BadImage, EmptyFile, FileTooLarge, UnsupportedFileType
from state.unit_of_work import unit_of_work
from tests import files_support as samples
from tests.files_support import World, make_message, make_world

pytestmark = pytest.mark.usefixtures('db')


@pytest.fixture
def world() -> World:
    return make_world()


def _rows() -> list[Attachment]:
    with read_session() as session:
        return list(session.exec(select(Attachment)).all())


def _stored_files() -> list[Path]:
    root = storage.uploads_root()
    return sorted(path for path in root.rglob('*') if path.is_file()) if root.exists() else []


def _link(public_id: str, message_id: int) -> None:
    """What send_message does with attachment_ids."""
    with session_scope() as session:
        row = session.exec(select(Attachment).where(Attachment.public_id == public_id)).one()
        row.message_id = message_id
        session.add(row)


def test_store_upload_creates_a_pending_attachment(world: World) -> None:
    view = store_upload(world.member, world.general, 'notes.txt', [b'hello ', b'team\n'], 'text/plain')
    assert (view.name, view.size, view.mime, view.has_thumbnail) == ('notes.txt', 11, 'text/plain', False)
    assert 16 <= len(view.id) <= 32
    [row] = _rows()
    assert (row.public_id, row.message_id, row.uploader_id, row.channel_id) == (
        view.id,
        None,
        world.member,
        world.general,
    )
    assert storage.blob_path(row.sha256).read_bytes() == b'hello team\n'
    assert _stored_files() == [storage.blob_path(row.sha256)]  # staging is empty again


def test_the_browser_claim_only_picks_the_text_flavour(world: World) -> None:
    assert store_upload(world.member, world.general, 'export', [b'a,b\n1,2\n'], 'text/csv; charset=utf-8').mime == (
        'text/csv'
    )
    assert store_upload(world.member, world.general, 'x.txt', [samples.PDF], 'text/plain').mime == 'application/pdf'
    with pytest.raises(UnsupportedFileType):
        store_upload(world.member, world.general, 'x.txt', [samples.ELF], 'text/plain')


def test_image_upload_is_cleaned_measured_and_thumbnailed(world: World) -> None:
    photo = samples.image_bytes('JPEG', (800, 400), orientation=6)
    view = store_upload(world.member, world.general, 'IMG_0001.JPG', io.BytesIO(photo), 'image/jpeg')
    assert (view.mime, view.width, view.height, view.has_thumbnail) == ('image/jpeg', 400, 800, True)
    [row] = _rows()
    stored = storage.blob_path(row.sha256).read_bytes()
    assert b'SpyCam' not in stored
    assert row.size == len(stored)
    with Image.open(storage.thumb_path(row.sha256)) as thumb:
        assert thumb.size == (180, 360)


def test_same_bytes_are_stored_once(world: World) -> None:
    first = store_upload(world.member, world.general, 'a.pdf', [samples.PDF])
    second = store_upload(world.owner, world.private, 'b.pdf', [samples.PDF])
    assert first.id != second.id
    assert len({row.sha256 for row in _rows()}) == 1
    assert len(_stored_files()) == 1


@pytest.mark.parametrize(
    ('data', 'name', 'error', 'message'),
    [
        (samples.ELF, 'cat.png', UnsupportedFileType, 'a Linux program'),
        (samples.PE, 'invoice.pdf', UnsupportedFileType, 'a Windows program'),
        (samples.SHELL_SCRIPT, 'notes.txt', UnsupportedFileType, 'a script'),
        (b'echo harmless text', 'run.bat', UnsupportedFileType, 'extension .bat'),
        (b'alert(1)', 'app.js', UnsupportedFileType, 'extension .js'),
        (samples.MP4, 'clip.mp4', UnsupportedFileType, 'does not accept'),
        (samples.HTML, 'page.html', UnsupportedFileType, 'does not accept'),
        (samples.SVG, 'logo.svg', UnsupportedFileType, 'does not accept'),
        (b'', 'empty.txt', EmptyFile, 'The file is empty.'),
        (samples.png_header_only(100_000, 100_000), 'bomb.png', BadImage, 'at most 50 megapixels'),
        (
            samples.png_header_only(8000, 7000),
            'bomb.png',
            BadImage,
            r'\(8000 × 7000 pixels\); images may have at most 50 megapixels',
        ),
        (b'\x89PNG\r\n\x1a\nnot really', 'fake.png', BadImage, 'could not be read'),
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(
    world: World, data: bytes, name: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        store_upload(world.member, world.general, name, [data])
    assert _rows() == []
    assert _stored_files() == []


def test_over_the_limit_is_refused_while_receiving(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('CHAT_MAX_UPLOAD_BYTES', '1000')
    get_settings.cache_clear()
    chunks_read = 0

    def stream() -> object:
        nonlocal chunks_read
        for _ in range(1000):
            chunks_read += 1
            yield b'a' * 100

    with pytest.raises(FileTooLarge, match='larger than the limit of 1000 bytes'):
        store_upload(world.member, world.general, 'big.txt', stream())  # type: ignore[arg-type]
    assert chunks_read == 11
    assert _rows() == []
    assert _stored_files() == []


def test_path_traversal_names_are_only_display_names(world: World) -> None:
    view = store_upload(world.member, world.general, '../../../../etc/cron.d/evil.txt', [b'* * * * * x\n'])
    assert view.name == 'evil.txt'
    [path] = _stored_files()
    assert path.is_relative_to(storage.uploads_root())
    assert path.name == _rows()[0].sha256


def test_only_members_of_an_open_channel_may_upload(world: World) -> None:
    with pytest.raises(NotFound, match='Channel not found'):
        store_upload(world.outsider, world.private, 'a.txt', [b'a'])
    with pytest.raises(NotFound, match='Channel not found'):
        store_upload(world.member, 999_999, 'a.txt', [b'a'])
    with pytest.raises(Forbidden, match='archived'):
        store_upload(world.member, world.archived, 'a.txt', [b'a'])
    assert _stored_files() == []


def test_admins_widen_the_allow_list_but_never_to_programs(world: World) -> None:
    with pytest.raises(Forbidden):
        set_extra_upload_types(world.member, world.workspace, ['video/mp4'])
    with pytest.raises(InvalidInput, match='Programs and scripts cannot be allowed'):
        set_extra_upload_types(world.owner, world.workspace, ['application/x-executable'])
    with pytest.raises(InvalidInput, match='Not a file type: mp4'):
        set_extra_upload_types(world.owner, world.workspace, ['mp4'])
    assert set_extra_upload_types(world.owner, world.workspace, ['Video/MP4', 'image/svg+xml']) == (
        'image/svg+xml',
        'video/mp4',
    )
    with read_session() as session:
        workspace = session.get(Workspace, world.workspace)
        assert workspace is not None and workspace.extra_upload_types == 'image/svg+xml,video/mp4'
    assert store_upload(world.member, world.general, 'clip.mp4', [samples.MP4]).mime == 'video/mp4'
    assert store_upload(world.member, world.general, 'logo.svg', [samples.SVG]).mime == 'image/svg+xml'
    with pytest.raises(UnsupportedFileType):
        store_upload(world.member, world.general, 'x.png', [samples.ELF])


def test_deleting_a_message_deletes_bytes_no_other_message_uses(world: World) -> None:
    shared = store_upload(world.member, world.general, 'a.pdf', [samples.PDF])
    shared_again = store_upload(world.member, world.general, 'copy.pdf', [samples.PDF])
    only = store_upload(world.member, world.general, 'photo.png', [samples.image_bytes('PNG')])
    first, second = make_message(world.general, world.member), make_message(world.general, world.member)
    _link(shared.id, first)
    _link(only.id, first)
    _link(shared_again.id, second)
    hashes = {row.public_id: row.sha256 for row in _rows()}
    pdf_sha, png_sha = hashes[shared.id], hashes[only.id]

    with unit_of_work() as uow:
        release_for_message(uow.session, first)
        assert storage.blob_path(png_sha).exists()  # nothing is deleted before the commit
    assert not storage.blob_path(png_sha).exists()
    assert not storage.thumb_path(png_sha).exists()
    assert storage.blob_path(pdf_sha).exists()  # the other message still uses these bytes
    assert [row.public_id for row in _rows()] == [shared_again.id]

    with unit_of_work() as uow:
        release_for_message(uow.session, second)
    assert _rows() == []
    assert _stored_files() == []


def test_a_rolled_back_delete_keeps_the_files(world: World) -> None:
    view = store_upload(world.member, world.general, 'a.pdf', [samples.PDF])
    message_id = make_message(world.general, world.member)
    _link(view.id, message_id)
    with pytest.raises(RuntimeError), unit_of_work() as uow:
        release_for_message(uow.session, message_id)
        raise RuntimeError('the delete failed after releasing')
    assert len(_rows()) == 1
    assert len(_stored_files()) == 1


def test_a_failing_commit_keeps_the_files(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    view = store_upload(world.member, world.general, 'a.pdf', [samples.PDF])
    message_id = make_message(world.general, world.member)
    _link(view.id, message_id)

    def broken_commit(self: Session) -> None:
        raise RuntimeError('disk on fire')

    with monkeypatch.context() as patched:
        patched.setattr(Session, 'commit', broken_commit)
        with pytest.raises(RuntimeError, match='disk on fire'), unit_of_work() as uow:
            release_for_message(uow.session, message_id)
    assert len(_rows()) == 1
    assert len(_stored_files()) == 1


def test_releasing_needs_a_unit_of_work(world: World) -> None:
    message_id = make_message(world.general, world.member)
    with pytest.raises(LookupError), session_scope() as session:  # nobody would delete the files after it
        release_for_message(session, message_id)


def test_discarding_a_pending_upload(world: World) -> None:
    view = store_upload(world.member, world.general, 'a.pdf', [samples.PDF])
    with pytest.raises(NotFound):
        discard_upload(world.owner, view.id)  # not theirs
    discard_upload(world.member, view.id)
    assert _rows() == []
    assert _stored_files() == []


def test_cleanup_removes_old_pending_uploads_and_orphaned_bytes(world: World) -> None:
    old = store_upload(world.member, world.general, 'old.pdf', [samples.PDF])
    sent = store_upload(world.member, world.general, 'sent.txt', [b'sent'])
    fresh = store_upload(world.member, world.general, 'fresh.txt', [b'fresh'])
    _link(sent.id, make_message(world.general, world.member))
    with session_scope() as session:
        for row in session.exec(select(Attachment).where(col(Attachment.public_id).in_([old.id, sent.id]))).all():
            row.created_at = utcnow() - timedelta(hours=30)
            session.add(row)
    orphan = storage.stage_bytes(b'bytes whose row vanished')
    with storage.LOCK:
        storage.place(orphan, storage.blob_path(orphan.sha256))
    aged = time.time() - 7 * 3600
    os.utime(storage.blob_path(orphan.sha256), (aged, aged))

    result = cleanup_uploads()
    assert (result.pending_removed, result.files_removed) == (1, 2)
    assert sorted(row.public_id for row in _rows()) == sorted([sent.id, fresh.id])
    assert len(_stored_files()) == 2


def test_downloads_follow_who_may_read_the_channel(world: World) -> None:
    public = store_upload(world.member, world.general, 'a.txt', [b'public'])
    secret = store_upload(world.owner, world.private, 'b.txt', [b'secret'])
    with pytest.raises(NotFound):
        downloadable_file(world.owner, public.id)  # pending: only the uploader sees it
    assert downloadable_file(world.member, public.id).path.read_bytes() == b'public'

    _link(public.id, make_message(world.general, world.member))
    _link(secret.id, make_message(world.private, world.owner))
    assert downloadable_file(world.owner, public.id).name == 'a.txt'
    assert downloadable_file(world.outsider, public.id).mime == 'text/plain'  # public channel, same workspace
    assert downloadable_file(world.owner, secret.id).path.read_bytes() == b'secret'
    for user, public_id in ((world.stranger, public.id), (world.outsider, secret.id), (world.member, secret.id)):
        with pytest.raises(NotFound, match='File not found'):
            downloadable_file(user, public_id)
    with pytest.raises(NotFound):
        downloadable_file(world.owner, 'no-such-id')
    with pytest.raises(NotFound):
        downloadable_file(world.member, public.id, thumbnail=True)  # a text file has no thumbnail


def test_attachment_rows_link_to_messages(world: World) -> None:
    # The link is a plain column update (send_message's job); a hard-deleted message only unlinks.
    view = store_upload(world.member, world.general, 'a.txt', [b'a'])
    message_id = make_message(world.general, world.member)
    _link(view.id, message_id)
    with session_scope() as session:
        message = session.get(Message, message_id)
        session.delete(message)
    assert _rows()[0].message_id is None
    assert cleanup_uploads(now=utcnow() + PENDING_MAX_AGE + timedelta(minutes=1)).pending_removed == 1
