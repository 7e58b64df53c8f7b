"""Profiles: the fields, time zones, avatar uploads (what is refused and why), and what the others hear."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from db.engine import read_session
from db.models import User
from state.actions import avatars, profile, profile_fields
from state.actions.profile_fields import ProfileFields
from state.errors import InvalidInput, NotFound
from state.events import UserChanged
from state.files import avatar_store
from state.files.avatar_images import AVATAR_SIZES, MAX_AVATAR_BYTES
from state.files.errors import BadImage, EmptyFile, FileTooLarge, UnsupportedFileType
from state.stores import roster as roster_store
from state.time_zones import offset_seconds, zone_label
from tests.factories import RecordingBackend, World, update_row


def image_bytes(
    width: int = 300, height: int = 200, fmt: str = 'JPEG', *, exif_orientation: int | None = None
) -> bytes:
    picture = Image.new('RGB', (width, height), (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, width // 2, height))  # left half blue: shows the crop and the rotation
    buffer = io.BytesIO()
    options: dict[str, object] = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = 'SecretCam'  # camera make: must not survive
        options['exif'] = exif.tobytes()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def stored(user_id: int) -> User:
    with read_session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


def test_an_upload_makes_every_square_size_without_metadata_and_tells_the_workspace(
    world: World, published: RecordingBackend
) -> None:
    view = avatars.set_avatar(world.ada, image_bytes(300, 200, exif_orientation=6))
    assert view.avatar_version == stored(world.ada).avatar_version > 0
    for size in AVATAR_SIZES:
        with Image.open(avatar_store.avatar_file(world.ada, view.avatar_version, size)) as saved:
            assert saved.format == 'PNG' and saved.size == (size, size)
            assert not saved.getexif() and 'exif' not in saved.info
    # Orientation 6 turns the picture a quarter clockwise: the blue left half becomes the top half.
    with Image.open(avatar_store.avatar_file(world.ada, view.avatar_version, 192)) as saved:
        rgb = saved.convert('RGB')
        top, bottom = rgb.getpixel((96, 10)), rgb.getpixel((96, 180))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[2] > 150 and bottom[0] > 150
    changed = published.of_type(UserChanged)
    assert [event.user.avatar_version for _, event in changed] == [view.avatar_version]
    assert roster_store.roster(world.workspace).avatars[world.ada] == view.avatar_version


def test_replacing_keeps_only_the_new_picture_and_removing_goes_back_to_none(world: World) -> None:
    first = avatars.set_avatar(world.bob, image_bytes(64, 64, 'PNG'))
    second = avatars.set_avatar(world.bob, image_bytes(80, 120, 'WEBP'))
    assert second.avatar_version > first.avatar_version
    assert not avatar_store.avatar_file(world.bob, first.avatar_version, 72).exists()
    assert avatar_store.avatar_file(world.bob, second.avatar_version, 72).exists()
    assert avatars.remove_avatar(world.bob).avatar_version == 0
    assert stored(world.bob).avatar_version == 0
    assert not avatar_store.avatar_file(world.bob, second.avatar_version, 72).exists()


@pytest.mark.parametrize(
    ('data', 'error', 'words'),
    [
        (b'', EmptyFile, 'empty'),
        (b'MZ\x90\x00 not a picture at all', UnsupportedFileType, 'PNG, JPEG, GIF or WebP'),
        (b'%PDF-1.7\n', UnsupportedFileType, 'PNG, JPEG, GIF or WebP'),
        (image_bytes(fmt='PNG')[:60], BadImage, 'damaged'),
        (image_bytes(8, 8, 'PNG'), BadImage, 'too small'),
        (b'\0' * (MAX_AVATAR_BYTES + 1), FileTooLarge, 'at most 10 MB'),
    ],
)
def test_bad_pictures_are_refused_with_a_reason_and_change_nothing(
    world: World, data: bytes, error: type[InvalidInput], words: str
) -> None:
    with pytest.raises(error) as refused:
        avatars.set_avatar(world.ada, data)
    assert words in refused.value.message
    assert stored(world.ada).avatar_version == 0
    assert not (avatar_store.avatars_root() / str(world.ada)).exists()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size in its header (a decompression bomb never gets decoded)."""
    ihdr = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    chunk = b'IHDR' + ihdr
    idat = zlib.compress(b'\0' * 100)
    return (
        b'\x89PNG\r\n\x1a\n'
        + struct.pack('>I', len(ihdr)) + chunk + struct.pack('>I', zlib.crc32(chunk))
        + struct.pack('>I', len(idat)) + b'IDAT' + idat + struct.pack('>I', zlib.crc32(b'IDAT' + idat))
    )  # fmt: skip


@pytest.mark.parametrize(('width', 'height'), [(8_000, 6_000), (20_000, 20_000)])
def test_a_huge_picture_is_refused_from_its_header(world: World, width: int, height: int) -> None:
    with pytest.raises(BadImage) as refused:
        avatars.set_avatar(world.ada, png_header_only(width, height))
    assert 'too large' in refused.value.message and 'at most 40 megapixels' in refused.value.message


def test_a_deactivated_person_cannot_upload(world: World) -> None:
    update_row(User, world.carl, is_active=False)
    with pytest.raises(NotFound):
        avatars.set_avatar(world.carl, image_bytes())


def test_profile_fields_are_cleaned_validated_and_announced(world: World, published: RecordingBackend) -> None:
    fields = ProfileFields('Ada', '  Ada   Lovelace ', 'Analyst\u202e', 'she/her', 'Europe/Berlin')
    view = profile_fields.update_profile(world.ada, fields)
    user = stored(world.ada)
    assert (user.full_name, user.title, user.pronouns, user.time_zone) == (
        'Ada Lovelace',
        'Analyst',
        'she/her',
        'Europe/Berlin',
    )
    assert [event.user for _, event in published.of_type(UserChanged)] == [view]
    published.clear()
    profile_fields.update_profile(world.ada, fields)  # nothing changed: nobody is told
    assert published.of_type(UserChanged) == []
    with pytest.raises(InvalidInput, match='Pronouns can be at most 40'):
        profile_fields.update_profile(world.ada, ProfileFields('Ada', pronouns='x' * 41))
    with pytest.raises(InvalidInput, match='Please enter your name'):
        profile_fields.update_profile(world.ada, ProfileFields('   '))


@pytest.mark.parametrize('zone', ['Mars/Olympus', '../../etc/passwd', 'europe/berlin', 'CET ', 'X' * 65])
def test_unknown_time_zones_are_refused(world: World, zone: str) -> None:
    if zone == 'CET ':
        assert profile_fields.clean_time_zone(zone) == 'CET'  # surrounding blanks are forgiven
        return
    with pytest.raises(InvalidInput, match='Unknown time zone'):
        profile_fields.update_profile(world.ada, ProfileFields('Ada', time_zone=zone))


def test_the_browser_time_zone_is_kept_only_while_none_is_set(world: World) -> None:
    assert profile_fields.set_time_zone_if_unknown(world.bob, 'America/New_York')
    assert not profile_fields.set_time_zone_if_unknown(world.bob, 'Asia/Tokyo')  # a known zone wins
    assert stored(world.bob).time_zone == 'America/New_York'
    with pytest.raises(InvalidInput):
        profile_fields.set_time_zone_if_unknown(world.carl, 'Nowhere/Land')


def test_time_zone_offsets_and_labels_follow_daylight_saving() -> None:
    winter, summer = datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC)
    assert (offset_seconds('Europe/Berlin', winter), zone_label('Europe/Berlin', winter)) == (3600, 'CET')
    assert (offset_seconds('Europe/Berlin', summer), zone_label('Europe/Berlin', summer)) == (7200, 'CEST')
    assert (offset_seconds('', summer), zone_label('', summer)) == (0, 'UTC')


def test_a_status_with_an_expiry_clears_itself(world: World, published: RecordingBackend) -> None:
    soon = datetime.now(UTC) + timedelta(minutes=30)
    profile.set_status(world.ada, 'Lunch', 'sandwich', soon)
    assert stored(world.ada).status_text == 'Lunch'
    with pytest.raises(InvalidInput, match='future'):
        profile.set_status(world.ada, 'Lunch', 'sandwich', datetime.now(UTC) - timedelta(minutes=1))
    assert profile.expire_statuses() == 0  # not yet
    update_row(User, world.ada, status_expires_at=datetime.now(UTC) - timedelta(seconds=1))
    published.clear()
    assert profile.expire_statuses() == 1
    user = stored(world.ada)
    assert (user.status_text, user.status_emoji, user.status_expires_at) == ('', '', None)
    assert [event.user.status_text for _, event in published.of_type(UserChanged)] == ['']
