"""The per-person quota on pending uploads (`CHAT_MAX_PENDING_UPLOAD_BYTES`): enforced, freed, leaving nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from db.engine import read_session
from db.models import Attachment, utcnow
from settings import Settings, get_settings
from state.actions import uploads
from state.actions.messages import delete_message, send_message
from state.actions.upload_cleanup import PENDING_MAX_AGE, cleanup_uploads
from state.actions.uploads import authorize_upload, discard_upload, store_upload
from state.errors import InvalidInput
from state.files import quota, storage
from state.files.errors import UploadQuotaExceeded
from tests import files_support as samples
from tests.files_support import World, make_world

pytestmark = pytest.mark.usefixtures('db')

LIMIT = 1000
REFUSAL = 'You have too many files waiting to be sent'


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture(autouse=True)
def small_quota(db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv('CHAT_MAX_PENDING_UPLOAD_BYTES', str(LIMIT))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _rows() -> list[Attachment]:
    with read_session() as session:
        return list(session.exec(select(Attachment)).all())


def _files_on_disk() -> list[Path]:
    """Everything under uploads/, staging included."""
    root = storage.uploads_root()
    return sorted(path for path in root.rglob('*') if path.is_file()) if root.exists() else []


def _pending(user_id: int) -> int:
    with read_session() as session:
        return quota.pending_bytes(session, user_id)


def _text(size: int, fill: bytes = b'a') -> list[bytes]:
    return [fill * (size - 1) + b'\n']


def test_the_default_is_200_mib_and_documented() -> None:
    assert Settings.model_fields['max_pending_upload_bytes'].default == 200 * 1024 * 1024
    readme = (Path(__file__).parent.parent / 'README.md').read_text()
    assert '`CHAT_MAX_PENDING_UPLOAD_BYTES`' in readme


def test_uploads_up_to_the_limit_pass_and_the_next_is_refused_leaving_nothing(world: World) -> None:
    store_upload(world.member, world.general, 'a.txt', _text(600))
    store_upload(world.member, world.general, 'b.txt', _text(400, b'b'))  # exactly at the limit
    assert _pending(world.member) == LIMIT
    rows_before, files_before = _rows(), _files_on_disk()

    with pytest.raises(UploadQuotaExceeded, match=REFUSAL) as refused:
        store_upload(world.member, world.general, 'c.txt', _text(1, b'c'))
    assert isinstance(refused.value, InvalidInput) and refused.value.code == 'upload_quota_exceeded'
    assert '1000 bytes uploaded and not yet sent' in refused.value.message
    assert 'Send or remove some of them first.' in refused.value.message
    assert [row.public_id for row in _rows()] == [row.public_id for row in rows_before]
    assert _files_on_disk() == files_before  # no new blob, no staging file left behind


def test_a_file_that_would_pass_the_limit_is_refused_and_leaves_no_file(world: World) -> None:
    store_upload(world.member, world.general, 'a.txt', _text(700))
    files_before = _files_on_disk()
    with pytest.raises(UploadQuotaExceeded, match=REFUSAL):
        store_upload(world.member, world.general, 'b.txt', _text(301, b'b'))
    assert _files_on_disk() == files_before
    assert len(_rows()) == 1


def test_the_quota_is_per_person(world: World) -> None:
    store_upload(world.member, world.general, 'a.txt', _text(LIMIT))
    with pytest.raises(UploadQuotaExceeded):
        store_upload(world.member, world.general, 'b.txt', _text(10, b'b'))
    store_upload(world.owner, world.general, 'c.txt', _text(LIMIT, b'c'))  # someone else is not affected
    assert (_pending(world.member), _pending(world.owner)) == (LIMIT, LIMIT)


def test_sent_files_no_longer_count(world: World) -> None:
    first = store_upload(world.member, world.general, 'a.txt', _text(LIMIT))
    with pytest.raises(UploadQuotaExceeded):
        store_upload(world.member, world.general, 'b.txt', _text(10, b'b'))
    send_message(world.member, world.general, 'here it is', 'quota-1', attachment_ids=[first.id])
    assert _pending(world.member) == 0
    second = store_upload(world.member, world.general, 'b.txt', _text(LIMIT, b'b'))
    assert _pending(world.member) == LIMIT
    [message_id] = {row.message_id for row in _rows() if row.public_id == first.id}
    assert message_id is not None
    delete_message(world.member, message_id)  # a deleted message's files are gone: nothing to count either
    assert [row.public_id for row in _rows()] == [second.id]


def test_discarded_files_no_longer_count(world: World) -> None:
    view = store_upload(world.member, world.general, 'a.txt', _text(LIMIT))
    discard_upload(world.member, view.id)
    assert _pending(world.member) == 0
    store_upload(world.member, world.general, 'b.txt', _text(LIMIT, b'b'))


def test_cleaned_up_files_no_longer_count(world: World) -> None:
    store_upload(world.member, world.general, 'a.txt', _text(LIMIT))
    assert cleanup_uploads(now=utcnow() + PENDING_MAX_AGE + timedelta(minutes=1)).pending_removed == 1
    assert _pending(world.member) == 0
    store_upload(world.member, world.general, 'b.txt', _text(LIMIT, b'b'))


def test_authorize_upload_refuses_a_declared_size_past_the_quota(world: World) -> None:
    store_upload(world.member, world.general, 'a.txt', _text(900))
    authorize_upload(world.member, world.general, 100)
    with pytest.raises(UploadQuotaExceeded, match=REFUSAL):
        authorize_upload(world.member, world.general, 101)
    store_upload(world.member, world.general, 'b.txt', _text(100, b'b'))
    with pytest.raises(UploadQuotaExceeded, match=REFUSAL):
        authorize_upload(world.member, world.general)  # full: even a body of unknown length is refused


def test_an_image_counts_its_stored_size(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('CHAT_MAX_PENDING_UPLOAD_BYTES', str(1024 * 1024))
    get_settings.cache_clear()
    photo = samples.image_bytes('JPEG', (300, 200))
    view = store_upload(world.member, world.general, 'photo.jpg', io.BytesIO(photo))
    [row] = _rows()
    assert row.public_id == view.id and _pending(world.member) == row.size  # the cleaned copy's size
    with Image.open(storage.blob_path(row.sha256)) as stored:
        assert stored.size == (300, 200)


def test_an_upload_that_loses_a_race_is_refused_when_committed_and_its_bytes_go(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early checks passed, then another upload of the same person committed first: the final check wins."""
    real_allowed_type = uploads._allowed_type
    raced: list[str] = []
    calls = 0

    def another_upload_commits_meanwhile(*args: object, **kwargs: object) -> str:
        nonlocal calls
        calls += 1
        if calls == 1:  # only in the slow upload; the quick one below runs through unchanged
            raced.append(store_upload(world.member, world.general, 'quick.txt', _text(600, b'q')).id)
        return real_allowed_type(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(uploads, '_allowed_type', another_upload_commits_meanwhile)
    with pytest.raises(UploadQuotaExceeded, match=REFUSAL):
        store_upload(world.member, world.general, 'slow.txt', _text(600, b's'))
    [row] = _rows()
    assert row.public_id == raced[0]
    assert _files_on_disk() == [storage.blob_path(row.sha256)]  # the slow upload's placed bytes were removed
