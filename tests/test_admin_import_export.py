"""The admin tab for Slack archives, through NiceGUI's simulated user: upload -> report, refusals, export."""

from __future__ import annotations

import zipfile
from pathlib import Path

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from sqlmodel import select

from components.admin_import_export import build_import_export_tab
from db.engine import read_session
from db.models import Channel, SlackImportMap
from tests import slack_export_fixture as fixture
from tests.factories import World, build_world
from tests.page_helpers import eventually


def _mount(world: World, actor: int) -> None:
    @ui.page('/_test/import-export')
    def page() -> None:
        build_import_export_tab(actor, world.workspace)


def _channel_names(workspace_id: int) -> set[str]:
    with read_session() as session:
        return {n for n in session.exec(select(Channel.name).where(Channel.workspace_id == workspace_id)) if n}


async def _upload(user: User, data: bytes) -> None:
    upload = user.find(ui.upload).elements.pop()
    assert isinstance(upload, ui.upload)
    await upload.handle_uploads([SmallFileUpload('export.zip', 'application/zip', data)])


async def test_an_upload_is_imported_and_reported(user: User, tmp_path: Path) -> None:
    world = build_world()
    _mount(world, world.ada)
    await user.open('/_test/import-export')
    await user.should_see('Import from Slack')
    await _upload(user, fixture.write_export(tmp_path / 'export.zip').read_bytes())
    await user.should_see('Import finished.', retries=100)
    await user.should_see('imported 11 messages')
    assert {'random', 'secret-plans'} <= _channel_names(world.workspace)
    assert not any((Path(path) / 'export.zip').exists() for path in (tmp_path / 'data' / 'archives').glob('*'))


async def test_a_hostile_archive_shows_why_and_imports_nothing(user: User, tmp_path: Path) -> None:
    world = build_world()
    _mount(world, world.ada)
    await user.open('/_test/import-export')
    bad = fixture.write_members(tmp_path / 'bad.zip', {'users.json': b'[]', '../escape.json': b'[]'})
    await _upload(user, bad.read_bytes())
    await user.should_see('unsafe name', retries=100)
    with read_session() as session:
        assert session.exec(select(SlackImportMap)).first() is None


async def test_a_member_who_is_not_an_admin_is_refused_by_the_action(user: User, tmp_path: Path) -> None:
    world = build_world()
    _mount(world, world.bob)  # even if a page showed him the tab, the action says no
    await user.open('/_test/import-export')
    await _upload(user, fixture.write_export(tmp_path / 'export.zip').read_bytes())
    await user.should_see('Only workspace owners and admins can import', retries=100)
    assert 'random' not in _channel_names(world.workspace)
    user.find('Export as Slack zip').click()
    await user.should_see('Only workspace owners and admins can export', retries=100)


async def test_export_downloads_a_slack_zip(user: User) -> None:
    world = build_world()
    _mount(world, world.ada)
    await user.open('/_test/import-export')
    user.find('Export as Slack zip').click()
    await user.should_see('Export ready', retries=100)
    await eventually(lambda: bool(user.download.http_responses))
    # The simulated user fetches `ui.download.file(path)` at the path itself (a browser gets a single-use URL
    # for it), so the request names the file that was offered.
    offered = Path(user.download.http_responses[-1].request.url.path)
    assert offered.name == f'{world.slug}-slack-export.zip'
    with zipfile.ZipFile(offered) as archive:
        assert {'users.json', 'channels.json', 'groups.json'} <= set(archive.namelist())
