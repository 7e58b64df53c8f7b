"""`main.py import-slack` while two people are logged in: the imported channels appear in both sidebars live.

Two server nodes on one database and Redis (Ada's browser talks to one, Bob's to the other), and the CLI import
as a third process on the same Redis: its one summary event reaches both nodes' sidebars.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess
from e2e.helpers import SHOTS
from tests import slack_export_fixture as fixture
from tests.redis_server import RedisServer


@pytest.fixture(scope='module')
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis_server = RedisServer()
    redis_server.start()
    root = tmp_path_factory.mktemp('import-cluster')
    shared = {
        'CHAT_DATABASE_URL': f'sqlite:///{root / "shared.db"}',
        'CHAT_REDIS_URL': redis_server.url,
        'CHAT_STORAGE_SECRET': 'one-secret-for-every-node',
    }
    one = ServerProcess(root / 'node-one', env=shared)
    two = ServerProcess(root / 'node-two', env=shared)
    try:
        one.start()
        two.start()
        yield one, two
    finally:
        one.stop()
        two.stop()
        redis_server.close()


def _export_for(path: Path, ada_email: str, bob_email: str) -> Path:
    files = fixture.members()
    for user in files['users.json']:
        if user['id'] == fixture.ADA:
            user['profile']['email'] = ada_email
        elif user['id'] == fixture.BOB:
            user['profile']['email'] = bob_email
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, value in files.items():
            archive.writestr(name, json.dumps(value))
    return path


def test_imported_channels_appear_live_for_both_people(
    browser: Browser, two_nodes: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    one, two = two_nodes
    workspace = unique_workspace()
    ada_email = create_user(one, 'Ada', workspace)
    bob_email = create_user(one, 'Bob', workspace)
    ada = log_in(browser, one, 'Ada', ada_email)
    bob = log_in(browser, two, 'Bob', bob_email)
    for person in (ada, bob):
        expect(person.channel_link('general')).to_be_visible()
        expect(person.channel_link('random')).to_have_count(0)

    archive = _export_for(tmp_path / 'slack.zip', ada_email, bob_email)
    report = one.run('import-slack', str(archive), '--workspace', workspace)
    assert 'imported 11 messages' in report

    for person in (ada, bob):  # no reload: the summary event refreshed both sidebars
        expect(person.channel_link('random')).to_be_visible()
        expect(person.channel_link('secret-plans')).to_be_visible()
    bob.open_channel('random')
    expect(bob.message('Random thought')).to_be_visible()
    ada.open_channel('general')
    expect(ada.message('Hello @Bob')).to_be_visible()
    expect(ada.message('Hello @Bob').get_by_test_id('reply-count')).to_contain_text('2')
    SHOTS.mkdir(parents=True, exist_ok=True)
    ada.page.screenshot(path=str(SHOTS / 'slackio-imported-general.png'))
    for person in (ada, bob):
        person.context.close()
