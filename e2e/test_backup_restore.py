"""Operations end to end: two people chat on a live server, `main.py backup` runs while it serves, the archive
is restored into a new data dir, and a server started on it shows them their history and carries on live.
The live server's `/metrics` counts the chat it served."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, expect

from e2e.chat_helpers import create_user, log_in, unique_workspace
from e2e.conftest import ServerProcess, started
from e2e.helpers import SHOTS


def scrape(server: ServerProcess) -> dict[str, float]:
    with urllib.request.urlopen(f'{server.url}/metrics', timeout=5) as response:
        lines = response.read().decode().splitlines()
    return {
        name: float(value)
        for name, _, value in (line.rpartition(' ') for line in lines if line and not line.startswith('#'))
    }


def test_a_backup_taken_while_serving_restores_the_history(browser: Browser, tmp_path: Path) -> None:
    archive = tmp_path / 'chat-backup.tar'
    (tmp_path / 'live').mkdir()
    with started(tmp_path / 'live' / 'data') as live:
        workspace = unique_workspace()
        ada_email = create_user(live, 'Ada', workspace)
        bob_email = create_user(live, 'Bob', workspace)
        ada = log_in(browser, live, 'Ada', ada_email)
        bob = log_in(browser, live, 'Bob', bob_email)
        ada.send('Before the backup: hello Bob')
        expect(bob.message('Before the backup: hello Bob')).to_be_visible()
        bob.send('Before the backup: hi Ada')
        expect(ada.message('Before the backup: hi Ada')).to_be_visible()

        metrics = scrape(live)
        assert metrics['chat_messages_sent_total'] >= 2
        assert metrics['chat_tabs_connected'] == 2
        assert metrics['chat_users_online'] == 2
        assert metrics['chat_bus_connected'] == 1

        output = live.run('backup', '--out', str(archive))  # while the server runs and both tabs are open
        assert f'backup={archive}' in output
        ada.send('After the backup: not in it')
        expect(bob.message('After the backup: not in it')).to_be_visible()
        ada.context.close()
        bob.context.close()

    (tmp_path / 'restored').mkdir()
    restored = ServerProcess(tmp_path / 'restored' / 'data')
    assert 'restored the sqlite backup' in restored.run('restore', str(archive))
    restored.start()
    try:
        ada = log_in(browser, restored, 'Ada', ada_email)
        bob = log_in(browser, restored, 'Bob', bob_email)
        for person in (ada, bob):
            expect(person.message('Before the backup: hello Bob')).to_be_visible()
            expect(person.message('Before the backup: hi Ada')).to_be_visible()
        expect(ada.message('After the backup: not in it')).to_have_count(0)
        ada.send('Back after the restore')
        expect(bob.message('Back after the restore')).to_be_visible()  # live on the restored server
        bob.page.screenshot(path=str(SHOTS / 'opsmetrics-restored.png'))
        ada.context.close()
        bob.context.close()
    finally:
        restored.stop()
