"""A burst of sends from five people, with the server killed (-9) in the middle of it: nothing is lost.

Five browser contexts (one per person) send 40 messages each, taking turns, as fast as the composer takes
them. Half-way through the server is killed without warning and started again while the sends go on. Every
message must end up stored exactly once, in the order its author typed it, and shown to another person.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, expect

from e2e.chat_helpers import ChatUser, create_user, log_in, run_script, unique_workspace
from e2e.conftest import ServerProcess, started

PEOPLE = ('Ada', 'Bob', 'Cleo', 'Dan', 'Eve')
PER_PERSON = 40


def stored(server: ServerProcess, workspace: str) -> dict[str, list[str]]:
    code = f'import json; from e2e.scenes import bodies_by_author; print(json.dumps(bodies_by_author({workspace!r})))'
    return dict(json.loads(run_script(server, code).strip().splitlines()[-1]))


def test_a_crash_during_a_burst_from_five_tabs_loses_and_repeats_nothing(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with started(tmp_path_factory.mktemp('burst-crash') / 'data') as server:
        workspace = unique_workspace()
        emails = {name: create_user(server, name, workspace) for name in PEOPLE}
        users: list[ChatUser] = [log_in(browser, server, name, emails[name]) for name in PEOPLE]
        typed: dict[str, list[str]] = {emails[u.name]: [] for u in users}
        for round_number in range(PER_PERSON):
            if round_number == PER_PERSON // 2:
                assert server.proc is not None
                server.proc.kill()  # SIGKILL mid-burst: no shutdown, no flush
                server.proc.wait(10)
                server.start()  # the tabs reconnect by themselves and resend what is still pending
            for user in users:
                text = f'{user.name} says {round_number:02d}'
                user.send(text)
                typed[user.email].append(text)
        watcher = users[0]
        last_of_each = [texts[-1] for texts in typed.values()]
        for text in last_of_each:  # the last message of every person reaches another person's screen
            expect(watcher.message(text)).to_have_count(1, timeout=60_000)
            expect(watcher.message(text)).to_have_attribute('data-pending', 'false', timeout=60_000)
        for user in users:  # and nothing is left waiting in any tab
            expect(user.channel_list().locator('[data-pending=true]')).to_have_count(0, timeout=60_000)
        kept = stored(server, workspace)
        for email, sent in typed.items():
            assert kept.get(email) == sent, email  # all of them, once each, in the order typed
