"""Images are served without metadata, upright, measured, thumbnailed, and bombs are refused undecoded."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from types import TracebackType

import pytest
from PIL import Image

from state.files import images
from state.files.errors import BadImage
from state.files.images import MAX_CONCURRENT_DECODES, THUMB_BOX, CleanImage, clean_image, thumbnail_size
from state.files.strip import strip_gif, strip_png, strip_webp
from tests import files_support as samples

SECRETS = (b'SpyCam', b'SecretSoftware', b'SecretAuthor', b'SecretComment', b'SecretXMP')


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / 'image'
    path.write_bytes(data)
    return path


def _no_secrets(data: bytes) -> bool:
    return not any(secret in data for secret in SECRETS)


@pytest.mark.parametrize(('fmt', 'mime'), [('JPEG', 'image/jpeg'), ('PNG', 'image/png'), ('WEBP', 'image/webp')])
def test_exif_and_text_metadata_are_stripped(tmp_path: Path, fmt: str, mime: str) -> None:
    original = samples.image_bytes(fmt, (64, 32), orientation=1)
    assert not _no_secrets(original)  # the sample really carries metadata
    cleaned = clean_image(_write(tmp_path, original), mime)
    assert _no_secrets(cleaned.data)
    with Image.open(io.BytesIO(cleaned.data)) as served:
        assert served.format == fmt
        assert dict(served.getexif()) == {}
        assert 'exif' not in served.info and 'Author' not in served.info


def test_orientation_is_applied_to_the_pixels(tmp_path: Path) -> None:
    # Orientation 6: the camera was turned; viewers rotate 90 degrees clockwise to show it upright.
    original = samples.image_bytes('PNG', (80, 40), 'white', orientation=6)
    cleaned = clean_image(_write(tmp_path, original), 'image/png')
    assert (cleaned.width, cleaned.height) == (40, 80)
    with Image.open(io.BytesIO(cleaned.data)) as served:
        assert served.size == (40, 80)
        assert served.convert('RGB').getpixel((39, 0)) == (0, 0, 255)  # the top-left pixel went top-right


def test_thumbnail_fits_the_box_and_keeps_the_aspect(tmp_path: Path) -> None:
    cleaned = clean_image(_write(tmp_path, samples.image_bytes('JPEG', (1200, 600))), 'image/jpeg')
    assert (cleaned.width, cleaned.height) == (1200, 600)
    with Image.open(io.BytesIO(cleaned.thumbnail)) as thumb:
        assert thumb.format == 'WEBP'
        assert thumb.size == (360, 180) == thumbnail_size(1200, 600)
    assert max(thumbnail_size(100, 5000)) == THUMB_BOX[1]


def test_small_images_are_not_enlarged(tmp_path: Path) -> None:
    cleaned = clean_image(_write(tmp_path, samples.image_bytes('PNG', (50, 30))), 'image/png')
    with Image.open(io.BytesIO(cleaned.thumbnail)) as thumb:
        assert thumb.size == (50, 30) == thumbnail_size(50, 30)


@pytest.mark.parametrize(
    ('width', 'height', 'message'),
    [
        (100_000, 100_000, r'too large to process; images may have at most 50 megapixels'),
        (8000, 7000, r'too large to process \(8000 × 7000 pixels\); images may have at most 50 megapixels'),
    ],
)
def test_decompression_bomb_is_refused_before_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int, height: int, message: str
) -> None:
    bomb = samples.png_header_only(width, height)  # gigapixels declared in a file of ~100 bytes
    assert len(bomb) < 200

    def never_decode(*_args: object) -> None:
        raise AssertionError('a bomb must be refused before any decoding')

    monkeypatch.setattr(images, '_reencode', never_decode)
    with pytest.raises(BadImage, match=message):
        clean_image(_write(tmp_path, bomb), 'image/png')


class _CountingGate:
    """Wraps the module's real semaphore and counts who waits at it, so a test knows when everyone is queued."""

    def __init__(self, real: threading.BoundedSemaphore, changed: threading.Condition) -> None:
        self.real = real
        self.changed = changed
        self.waiting = 0

    def __enter__(self) -> None:
        with self.changed:
            self.waiting += 1
            self.changed.notify_all()
        self.real.acquire()
        with self.changed:
            self.waiting -= 1
            self.changed.notify_all()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.real.release()


def test_at_most_two_images_are_decoded_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_CONCURRENT_DECODES == 2
    workers = 6
    changed = threading.Condition()
    gate = _CountingGate(images._DECODING, changed)
    release = threading.Event()
    inside = peak = 0
    real_reencode = images._reencode

    def instrumented(image: Image.Image, pillow_format: str, path: Path) -> CleanImage:
        nonlocal inside, peak
        with changed:
            inside += 1
            peak = max(peak, inside)
            changed.notify_all()
        try:
            assert release.wait(timeout=30), 'the test never released the decoders'
            return real_reencode(image, pillow_format, path)
        finally:
            with changed:
                inside -= 1

    monkeypatch.setattr(images, '_DECODING', gate)
    monkeypatch.setattr(images, '_reencode', instrumented)
    paths = []
    for number in range(workers):
        path = tmp_path / f'photo-{number}.png'
        path.write_bytes(samples.image_bytes('PNG', (400, 300)))
        paths.append(path)
    results: list[CleanImage] = []
    errors: list[BaseException] = []

    def decode(path: Path) -> None:
        try:
            results.append(clean_image(path, 'image/png'))
        except BaseException as error:  # reported by the assertions below
            errors.append(error)

    threads = [threading.Thread(target=decode, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    with changed:  # every worker is either decoding or queued at the semaphore: no timing involved
        everyone_arrived = changed.wait_for(lambda: inside + gate.waiting == workers and inside >= 2, timeout=30)
        snapshot = (inside, gate.waiting)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert everyone_arrived, snapshot
    assert snapshot == (2, workers - 2)
    assert peak == 2
    assert errors == [] and len(results) == workers
    assert all((result.width, result.height) == (400, 300) for result in results)


@pytest.mark.parametrize(('fmt', 'mime'), [('PNG', 'image/png'), ('JPEG', 'image/jpeg'), ('WEBP', 'image/webp')])
def test_an_upright_image_is_cleaned_without_full_size_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, mime: str
) -> None:
    """Each copy of a 50-megapixel image is 150 MB more; the decode, the save and the small thumbnail suffice."""

    def no_copy(self: Image.Image) -> Image.Image:
        raise AssertionError(f'a full-size copy of a {self.size} image')

    monkeypatch.setattr(Image.Image, 'copy', no_copy)
    cleaned = clean_image(_write(tmp_path, samples.image_bytes(fmt, (1200, 600))), mime)
    assert (cleaned.width, cleaned.height) == (1200, 600)
    with Image.open(io.BytesIO(cleaned.thumbnail)) as thumb:
        assert thumb.size == (360, 180)


def test_a_refused_header_takes_no_decoding_slot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Full:
        def __enter__(self) -> None:
            raise AssertionError('a bomb waited for a decoding slot')

        def __exit__(self, *_exc: object) -> None:
            return None

    monkeypatch.setattr(images, '_DECODING', Full())
    with pytest.raises(BadImage, match='at most 50 megapixels'):
        clean_image(_write(tmp_path, samples.png_header_only(8000, 7000)), 'image/png')


@pytest.mark.parametrize('frame', [(60_000, 60_000), (8000, 7000)])
def test_gif_frame_larger_than_its_canvas_counts_as_a_bomb(tmp_path: Path, frame: tuple[int, int]) -> None:
    gif = samples.gif_with_frame(canvas=(30, 20), frame=frame)
    with pytest.raises(BadImage, match='megapixels'):
        clean_image(_write(tmp_path, gif), 'image/gif')


@pytest.mark.parametrize(
    ('data', 'mime'),
    [
        (b'\x89PNG\r\n\x1a\n' + b'garbage' * 20, 'image/png'),
        (samples.image_bytes('JPEG', (200, 200))[:300], 'image/jpeg'),  # cut off
        (b'GIF89a' + b'\x00' * 10, 'image/gif'),
        (b'RIFF\x10\x00\x00\x00WEBPVP8 nonsense', 'image/webp'),
    ],
)
def test_damaged_images_are_refused(tmp_path: Path, data: bytes, mime: str) -> None:
    with pytest.raises(BadImage, match='could not be read'):
        clean_image(_write(tmp_path, data), mime)


def test_animated_gif_keeps_its_frames_and_loses_its_comment(tmp_path: Path) -> None:
    original = samples.animated_gif()
    assert b'SecretComment' in original
    cleaned = clean_image(_write(tmp_path, original + b'<script>trailing payload</script>'), 'image/gif')
    assert _no_secrets(cleaned.data)
    assert b'trailing payload' not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as served:
        assert getattr(served, 'n_frames', 1) == 3
        assert served.info.get('loop') == 0
    assert (cleaned.width, cleaned.height) == (30, 20)


def test_animated_webp_loses_exif_and_keeps_frames(tmp_path: Path) -> None:
    frames = [Image.new('RGB', (30, 20), color) for color in ('red', 'green', 'blue')]
    buffer = io.BytesIO()
    frames[0].save(buffer, 'WEBP', save_all=True, append_images=frames[1:], duration=80, exif=samples.exif_block())
    assert b'SpyCam' in buffer.getvalue()
    cleaned = clean_image(_write(tmp_path, buffer.getvalue()), 'image/webp')
    assert _no_secrets(cleaned.data)
    with Image.open(io.BytesIO(cleaned.data)) as served:
        assert getattr(served, 'n_frames', 1) == 3
        assert dict(served.getexif()) == {}


def test_animated_png_keeps_frames_and_loses_text(tmp_path: Path) -> None:
    frames = [Image.new('RGB', (30, 20), color) for color in ('red', 'green', 'blue')]
    buffer = io.BytesIO()
    info = samples.PngImagePlugin.PngInfo()
    info.add_text('Author', 'SecretAuthor')
    frames[0].save(buffer, 'PNG', save_all=True, append_images=frames[1:], duration=80, pnginfo=info)
    cleaned = clean_image(_write(tmp_path, buffer.getvalue()), 'image/png')
    assert _no_secrets(cleaned.data)
    with Image.open(io.BytesIO(cleaned.data)) as served:
        assert getattr(served, 'n_frames', 1) == 3


def test_strippers_refuse_malformed_input() -> None:
    with pytest.raises(ValueError):
        strip_png(b'\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR')
    with pytest.raises(ValueError):
        strip_webp(b'RIFF\xff\x00\x00\x00WEBPVP8X\xff\xff\xff\x00')
    with pytest.raises(ValueError):
        strip_gif(b'GIF89a\x01\x00\x01\x00\x00\x00\x00\x2c')
