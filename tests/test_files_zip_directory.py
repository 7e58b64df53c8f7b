"""Big zips are classified from their end record, without listing their entries."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from state.files import detect, policy
from state.files.detect import detect_type
from state.files.zip_directory import MAX_LISTED_ENTRIES, ZipDirectory, read_zip_directory
from tests import files_support as samples


def _many_entries(first: dict[str, bytes], count: int = MAX_LISTED_ENTRIES + 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        for name, data in first.items():
            archive.writestr(name, data)
        for number in range(count - len(first)):
            archive.writestr(f'f{number}', b'')
    return buffer.getvalue()


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / 'upload.zip'
    path.write_bytes(data)
    return path


@pytest.fixture
def never_list(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError('a zip above the cap must not be listed')

    monkeypatch.setattr(detect.zipfile.ZipFile, 'namelist', refuse)


def test_end_record_gives_count_and_size_of_the_directory(tmp_path: Path) -> None:
    data = samples.zip_bytes({'a.txt': b'a', 'b.txt': b'bb'})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        directory_size = sum(46 + len(info.filename) + len(info.extra) for info in archive.infolist())
    directory = read_zip_directory(_write(tmp_path, data))
    assert directory is not None
    assert (directory.entries, directory.size) == (2, directory_size)
    assert directory.is_small_enough_to_list


def test_end_record_is_found_behind_a_comment(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('a.txt', b'a')
        archive.comment = b'x' * 60_000
    directory = read_zip_directory(_write(tmp_path, buffer.getvalue()))
    assert directory is not None and directory.entries == 1


def test_no_end_record_is_none(tmp_path: Path) -> None:
    assert read_zip_directory(_write(tmp_path, b'PK\x03\x04' + b'\x00' * 100)) is None


@pytest.mark.usefixtures('never_list')
def test_office_document_with_too_many_entries_is_a_plain_zip(tmp_path: Path) -> None:
    data = _many_entries({'[Content_Types].xml': b'<Types/>', 'word/document.xml': b'<w:document/>'})
    assert detect_type(_write(tmp_path, data), 'x.docx').mime == 'application/zip'


@pytest.mark.usefixtures('never_list')
@pytest.mark.parametrize('name', ['META-INF/MANIFEST.MF', 'com/example/Main.class', 'classes.dex'])
def test_program_with_too_many_entries_is_still_a_program(tmp_path: Path, name: str) -> None:
    detected = detect_type(_write(tmp_path, _many_entries({})), 'x.zip')
    assert detected.mime == 'application/zip'  # the plain many-entry zip, for comparison
    data = _many_entries({'readme.txt': b'hi', name: b'\xca\xfe\xba\xbe'})
    detected = detect_type(_write(tmp_path, data), 'x.zip')
    assert detected.mime in policy.EXECUTABLE_TYPES


@pytest.mark.usefixtures('never_list')
def test_forged_end_record_claiming_a_huge_directory_is_not_listed(tmp_path: Path) -> None:
    # ZIP64-style saturated counts in a 26-byte file: nothing to list, nothing read past the tail.
    data = b'PK\x05\x06' + b'\x00' * 4 + b'\xff\xff' * 2 + b'\xff\xff\xff\xff' + b'\x00\x00\x00\x00' + b'\x00\x00'
    assert detect_type(_write(tmp_path, b'PK\x03\x04' + data), 'x.zip').mime == 'application/zip'


def test_small_office_document_is_still_inspected(tmp_path: Path) -> None:
    assert detect_type(_write(tmp_path, samples.docx_bytes()), 'x').mime == policy.DOCX
    assert ZipDirectory(MAX_LISTED_ENTRIES, 0, 0).is_small_enough_to_list
