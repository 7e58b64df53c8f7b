"""Backups under a write load hold every acknowledged message; restores refuse non-empty targets and hostile
archives, and write nothing outside the target."""

from __future__ import annotations

import io
import sqlite3
import tarfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from db.backup import take
from db.backup.archive import BackupError
from db.backup.restore import restore_backup
from db.backup.take import take_backup
from main import cli
from settings import get_settings
from state.actions.messages import send_message
from tests import postgres_schemas
from tests.backup_support import Writer
from tests.factories import World

sqlite_only = pytest.mark.skipif(
    postgres_schemas.configured_url() is not None, reason='SQLite backups; PostgreSQL: test_backup_postgres.py'
)


def message_ids(database: Path) -> set[int]:
    with closing(sqlite3.connect(database)) as connection:
        return {row[0] for row in connection.execute('SELECT id FROM messages')}


@pytest.fixture
def uploads(isolated_data_dir: Path) -> Iterator[Path]:
    root = isolated_data_dir / 'uploads' / 'ab' / 'cd'
    root.mkdir(parents=True)
    (root / 'abcd0001').write_bytes(b'first file')
    (root / 'abcd0002').write_bytes(b'second file')
    yield root


@sqlite_only
def test_a_backup_under_write_load_holds_every_message_acknowledged_before_it(
    world: World, uploads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings()
    with Writer(world) as writer:
        writer.wait_for(30)
        acknowledged_before = list(writer.acked)  # the backup starts after these were acknowledged
        copy_file = take._add_file

        def add_file_while_writes_go_on(*args: object) -> bool:
            # Once the snapshot is taken, the writer must keep committing: the backup blocks no one.
            writer.wait_for(len(acknowledged_before) + 20)
            return copy_file(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(take, '_add_file', add_file_while_writes_go_on)
        result = take_backup(settings.data_dir, settings.resolved_database_url, tmp_path / 'chat.tar')
        writer.wait_for(len(writer.acked) + 5)  # still writing after the backup
    assert result.manifest.database == 'sqlite'
    assert result.manifest.schema_revision
    assert result.manifest.data_files == 2

    target = tmp_path / 'restored'
    restored = restore_backup(result.path, target, f'sqlite:///{target / "chat.db"}')
    assert restored.data_files == 2
    ids = message_ids(target / 'chat.db')
    assert set(acknowledged_before) <= ids
    assert ids <= set(writer.acked)  # nothing invented, and the restored copy is one consistent snapshot
    assert ids == set(range(min(writer.acked), max(ids) + 1))  # a prefix of the sends: no gaps
    assert (target / 'uploads' / 'ab' / 'cd' / 'abcd0002').read_bytes() == b'second file'
    with closing(sqlite3.connect(target / 'chat.db')) as connection:
        assert connection.execute('PRAGMA integrity_check').fetchone() == ('ok',)


@sqlite_only
def test_the_archive_skips_the_live_database_files_and_browser_storage(
    world: World, uploads: Path, isolated_data_dir: Path, tmp_path: Path
) -> None:
    (isolated_data_dir / 'storage-secret').write_text('kept')
    (isolated_data_dir / 'nicegui').mkdir()
    (isolated_data_dir / 'nicegui' / 'storage-user-x.json').write_text('{}')
    (isolated_data_dir / 'nicegui-2').mkdir()  # a second node's storage on the same machine
    (isolated_data_dir / 'nicegui-2' / 'storage-user-y.json').write_text('{}')
    (isolated_data_dir / 'uploads' / '.staging').mkdir()
    (isolated_data_dir / 'uploads' / '.staging' / 'half').write_text('arriving')
    out = isolated_data_dir / 'inside-the-data-dir.tar.gz'  # a backup written into the data dir skips itself
    settings = get_settings()
    take_backup(settings.data_dir, settings.resolved_database_url, out)
    with tarfile.open(out, 'r:gz') as archive:
        names = sorted(archive.getnames())
        modes = {member.mode for member in archive.getmembers()}
    assert names == [
        'data/storage-secret',
        'data/uploads/ab/cd/abcd0001',
        'data/uploads/ab/cd/abcd0002',
        'database/chat.db',
        'manifest.json',
    ]
    assert modes == {0o600}
    assert out.stat().st_mode & 0o077 == 0


@sqlite_only
def test_restore_refuses_a_data_dir_that_is_not_empty(world: World, tmp_path: Path) -> None:
    settings = get_settings()
    archive = take_backup(settings.data_dir, settings.resolved_database_url, tmp_path / 'b.tar').path
    target = tmp_path / 'busy'
    target.mkdir()
    (target / 'notes.txt').write_text('mine')
    with pytest.raises(BackupError, match='is not empty'):
        restore_backup(archive, target, f'sqlite:///{target / "chat.db"}')
    assert [path.name for path in target.iterdir()] == ['notes.txt']
    elsewhere = tmp_path / 'db-exists'
    (tmp_path / 'other.db').write_bytes(b'')
    with pytest.raises(BackupError, match='already exists'):
        restore_backup(archive, elsewhere, f'sqlite:///{tmp_path / "other.db"}')
    assert not elsewhere.exists()


@sqlite_only
def test_the_cli_backs_up_and_restores(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    send_message(world.ada, world.general, 'kept through a restore', 'cli-1')
    archive = tmp_path / 'cli.tar'
    assert cli(['backup', '--out', str(archive)]) == 0
    assert f'backup={archive}' in capsys.readouterr().out
    target = tmp_path / 'fresh'
    monkeypatch.setenv('CHAT_DATA_DIR', str(target))
    assert cli(['restore', str(archive)]) == 0
    assert 'start the server' in capsys.readouterr().out
    with closing(sqlite3.connect(target / 'chat.db')) as connection:
        assert connection.execute('SELECT body FROM messages').fetchall() == [('kept through a restore',)]
    assert cli(['restore', str(archive)]) == 1
    assert 'is not empty' in capsys.readouterr().err


def _archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, 'w') as archive:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name: str, data: bytes = b'x') -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def _link(name: str, target: str, kind: bytes) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


@pytest.fixture
def good_parts(world: World, tmp_path: Path) -> dict[str, bytes]:
    """The members of a real backup, to build hostile variants from."""
    settings = get_settings()
    archive = take_backup(settings.data_dir, settings.resolved_database_url, tmp_path / 'good.tar').path
    with tarfile.open(archive) as opened:
        return {member.name: opened.extractfile(member).read() for member in opened.getmembers()}  # type: ignore[union-attr]


Member = tuple[tarfile.TarInfo, bytes | None]
HOSTILE: dict[str, list[Member]] = {
    'climbing out': [_file('data/../../evil')],
    'absolute': [_file('/tmp/teamchat-evil')],
    'bare climb': [_file('../evil')],
    'symlink': [_link('data/uploads/link', '/etc/passwd', tarfile.SYMTYPE)],
    'hard link': [_link('data/uploads/hard', '/etc/passwd', tarfile.LNKTYPE)],
    'device': [_link('data/null', '', tarfile.CHRTYPE)],
    'stray file': [_file('elsewhere/file')],
    'twice': [_file('data/storage-secret'), _file('data/storage-secret')],
    'backslash': [_file('data\\..\\..\\evil')],
}


@sqlite_only
@pytest.mark.parametrize('case', sorted(HOSTILE))
def test_restore_refuses_a_hostile_archive_and_writes_nothing(
    case: str, good_parts: dict[str, bytes], tmp_path: Path
) -> None:
    members: list[Member] = [_file(name, data) for name, data in good_parts.items()]
    members += HOSTILE[case]
    archive = _archive(tmp_path / 'hostile.tar', members)
    target = tmp_path / 'sandbox' / 'data'
    target.parent.mkdir()
    with pytest.raises(BackupError):
        restore_backup(archive, target, f'sqlite:///{target / "chat.db"}')
    assert not target.exists()
    assert sorted(path.name for path in (tmp_path / 'sandbox').iterdir()) == []  # no staging left behind
    assert not (tmp_path / 'evil').exists() and not Path('/tmp/teamchat-evil').exists()


@sqlite_only
@pytest.mark.parametrize(
    ('case', 'expected'),
    [
        ('no manifest', 'no manifest.json'),
        ('bad manifest', 'not a Teamchat manifest'),
        ('no database', 'has no database/chat.db'),
        ('not a tar', 'not a tar archive'),
    ],
)
def test_restore_refuses_what_is_not_a_backup(
    case: str, expected: str, good_parts: dict[str, bytes], tmp_path: Path
) -> None:
    parts = dict(good_parts)
    if case == 'no manifest':
        del parts['manifest.json']
    elif case == 'bad manifest':
        parts['manifest.json'] = b'{"format": "something-else"}'
    elif case == 'no database':
        del parts['database/chat.db']
    path = tmp_path / 'odd.tar'
    if case == 'not a tar':
        path.write_bytes(b'just some bytes, not an archive' * 100)
    else:
        _archive(path, [_file(name, data) for name, data in parts.items()])
    target = tmp_path / 'target'
    with pytest.raises(BackupError, match=expected):
        restore_backup(path, target, f'sqlite:///{target / "chat.db"}')
    assert not target.exists()


@sqlite_only
def test_a_sqlite_backup_does_not_restore_into_postgresql(world: World, tmp_path: Path) -> None:
    settings = get_settings()
    archive = take_backup(settings.data_dir, settings.resolved_database_url, tmp_path / 'b.tar').path
    with pytest.raises(BackupError, match='holds a sqlite database'):
        restore_backup(archive, tmp_path / 'pg-data', 'postgresql+psycopg://chat@127.0.0.1:1/chat')


def test_without_pg_dump_a_postgresql_backup_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr('db.backup.postgres_dump.shutil.which', lambda _name: None)
    with pytest.raises(BackupError, match=r'pg_dump was not found on PATH.*postgresql-client'):
        take_backup(tmp_path, 'postgresql+psycopg://chat@127.0.0.1:1/chat', tmp_path / 'pg.tar')
    assert list(tmp_path.iterdir()) == []


@sqlite_only
def test_a_file_deleted_while_the_backup_runs_is_counted_not_fatal(
    world: World, uploads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = take.data_files

    def list_then_delete(data_dir: Path, skipped: set[Path]) -> Iterator[tuple[str, Path]]:
        for arcname, path in listed(data_dir, skipped):
            if path.name == 'abcd0001':
                path.unlink()  # its message was deleted after the listing
            yield arcname, path

    monkeypatch.setattr(take, 'data_files', list_then_delete)
    settings = get_settings()
    result = take_backup(settings.data_dir, settings.resolved_database_url, tmp_path / 'b.tar')
    assert result.vanished == 1
    assert result.manifest.data_files == 1
