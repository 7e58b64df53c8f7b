"""The cluster kit end to end: `deploy/cluster.sh up --nodes 2` (PostgreSQL, Redis, two nodes, nginx), two browsers
through the proxy pinned to different nodes by their `chat_node` cookie, seeing each other's messages, edits,
reactions, typing and presence live; a 20 s Redis outage with both browsers writing through it, after which
every tab shows every message once, in order, without a reload; then one node is killed
with -9 and its browser is moved to the live node by the proxy and keeps working, and its presence ends for the
other; `down` stops everything it started.

Skipped, with the reason, where nginx, PostgreSQL or Redis is missing and cannot be installed (not root).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from e2e.chat_helpers import PASSWORD, ChatUser
from e2e.conftest import ROOT
from e2e.helpers import SHOTS

SCRIPT = ROOT / 'deploy' / 'cluster.sh'
CANNOT_INSTALL = 3  # cluster.sh: a program is missing and installing it needs root
LIVE = 20_000  # ms: a live update between nodes, generous for a 2-core CI machine running four servers
OUTAGE_S = 20.0  # how long Redis stays down (issue 14)
OUTAGE_PACE_S = 1.0  # one message from each browser about every second of the outage


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    dir: Path
    url: str
    nodes: dict[int, tuple[int, int]]  # node number -> (port, pid)

    def run(self, *args: str, timeout: float = 180) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_', 'CHAT_'))}
        env.update(PYTHON=sys.executable, CHAT_RECONNECT_TIMEOUT='5')
        done = subprocess.run(
            ['bash', str(SCRIPT), *args[:1], '--dir', str(self.dir), *args[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode == CANNOT_INSTALL:
            pytest.skip(done.stderr.strip())
        assert done.returncode == 0, f'cluster.sh {" ".join(args)} failed:\n{done.stdout}\n{done.stderr}'
        return done.stdout

    def cli(self, *args: str) -> str:
        return self.run('cli', '--', *args)  # everything after -- goes to main.py

    def node_answering(self, route: str) -> int:
        """The node the proxy sends a browser with this `chat_node` cookie to."""
        request = urllib.request.Request(self.url + '/healthz', headers={'Cookie': f'chat_node={route}'})
        with urllib.request.urlopen(request, timeout=5) as answer:
            upstream = answer.headers['X-Teamchat-Node'].split(',')[-1].strip()  # the last node tried answered
        port = int(upstream.rsplit(':', 1)[1])
        return next(k for k, (node_port, _) in self.nodes.items() if node_port == port)

    def route_to(self, node: int) -> str:
        """A cookie value the proxy's consistent hash maps to `node` (probed, as the hash is nginx's)."""
        for attempt in range(200):
            route = f'probe{attempt}'
            if self.node_answering(route) == node:
                return route
        raise AssertionError(f'no route to node {node} in 200 tries')


def parse_up(output: str) -> tuple[str, dict[int, tuple[int, int]]]:
    url = re.search(r'^url=(\S+)$', output, re.M)
    assert url is not None, output
    nodes = {int(k): (int(port), int(pid)) for k, port, pid in re.findall(r'^node(\d+)=(\d+) (\d+)$', output, re.M)}
    return url.group(1), nodes


def running(pid: int) -> bool:
    try:
        state = Path(f'/proc/{pid}/stat').read_text().split()[2]
    except OSError:
        return False
    return state != 'Z'


@pytest.fixture(scope='module')
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    probe = Cluster(tmp_path_factory.mktemp('cluster'), '', {})
    output = probe.run('up', '--nodes', '2', '--port', str(free_port()), timeout=600)
    url, nodes = parse_up(output)
    assert sorted(nodes) == [1, 2]
    cluster = Cluster(probe.dir, url, nodes)
    try:
        yield cluster
    finally:
        cluster.run('down')


def log_in_through(browser: Browser, cluster: Cluster, route: str, name: str, email: str) -> ChatUser:
    context = browser.new_context(viewport={'width': 1280, 'height': 800})
    context.add_cookies([{'name': 'chat_node', 'value': route, 'url': cluster.url}])
    page = context.new_page()
    page.goto(f'{cluster.url}/login')
    page.get_by_test_id('login-email').fill(email)
    page.get_by_test_id('login-password').fill(PASSWORD)
    page.get_by_test_id('login-submit').click()
    expect(page).to_have_url(re.compile(r'/w/'))
    expect(page.locator('.chat-main [data-testid=composer]')).to_be_visible()
    return ChatUser(name, email, context, page)


def make_users(cluster: Cluster, *names: str) -> dict[str, str]:
    """People with their e-mails, in a new workspace of their own."""
    workspace = f'ws{uuid.uuid4().hex[:8]}'
    emails = {}
    for name in names:
        emails[name] = f'{name.lower()}-{uuid.uuid4().hex[:6]}@example.com'
        cluster.cli('create-user', '--email', emails[name], '--name', name, '--password', PASSWORD,
                    '--workspace', workspace)  # fmt: skip
    return emails


def react_with_tada(user: ChatUser, text: str) -> None:
    target = user.message(text)
    target.hover()
    target.get_by_test_id('action-react').click()
    picker = user.page.get_by_test_id('emoji-picker')
    picker.get_by_test_id('emoji-search').fill('tada')
    picker.locator('[data-testid=emoji-option][data-emoji=tada]').click()


def edit_message(user: ChatUser, old: str, new: str) -> None:
    user.message(old).hover()
    user.message(old).get_by_test_id('action-edit').click()
    user.page.get_by_test_id('edit-input').fill(new)
    user.page.get_by_test_id('edit-input').press('Enter')


def set_busy(user: ChatUser) -> None:
    user.page.get_by_test_id('set-status').click()
    user.page.get_by_test_id('presence-choice').click()
    user.page.get_by_role('option', name='Busy (do not disturb)').click()
    user.page.get_by_test_id('status-save').click()


def test_a_redis_outage_ends_with_every_message_shown_once_without_a_reload(browser: Browser, cluster: Cluster) -> None:
    emails = make_users(cluster, 'Dora', 'Eve')
    dora = log_in_through(browser, cluster, cluster.route_to(1), 'Dora', emails['Dora'])
    eve = log_in_through(browser, cluster, cluster.route_to(2), 'Eve', emails['Eve'])
    dora.send('before the outage')
    expect(eve.message('before the outage')).to_be_visible(timeout=LIVE)
    for user in (dora, eve):
        user.page.evaluate('window.notReloaded = true')  # gone if the page reloads

    # Redis is down for OUTAGE_S while both people keep writing, each through a node that cannot publish: every
    # message is stored (the database is up), so each sender's copy stops pending; the other tab sees none live.
    cluster.run('stop-redis')
    outage_ends = time.monotonic() + OUTAGE_S
    sent: list[str] = []
    while time.monotonic() < outage_ends or len(sent) < 4:
        for user in (dora, eve):
            text = f'outage {len(sent):02d} from {user.name}'
            user.send(text)
            expect(user.message(text)).to_have_attribute('data-pending', 'false', timeout=LIVE)
            sent.append(text)
        pause_ms = min(OUTAGE_PACE_S, outage_ends - time.monotonic()) * 1000
        if pause_ms > 0:
            dora.page.wait_for_timeout(pause_ms)  # the outage's own clock paces the writing, not a condition
    assert time.monotonic() >= outage_ends
    cluster.run('start-redis')

    # Pub/sub kept nothing of the outage; each node's resubscribed bus makes its tabs catch up from the database:
    # every message exactly once, in the order they were stored, and the page was never reloaded.
    for user in (dora, eve):
        messages = user.channel_list().get_by_test_id('message-text').filter(has_text=re.compile(r'outage \d+ from'))
        expect(messages).to_have_text(sent, use_inner_text=True, timeout=60_000)
        assert user.page.evaluate('window.notReloaded === true')
    dora.send('after the outage')
    expect(eve.message('after the outage')).to_be_visible(timeout=LIVE)
    eve.send('and back from Eve')
    expect(dora.message('and back from Eve')).to_be_visible(timeout=LIVE)
    dora.context.close()
    eve.context.close()


def test_two_nodes_behind_the_proxy_and_a_node_that_dies(browser: Browser, cluster: Cluster) -> None:
    emails = make_users(cluster, 'Ada', 'Bob', 'Carol')
    ada = log_in_through(browser, cluster, cluster.route_to(1), 'Ada', emails['Ada'])
    bob = log_in_through(browser, cluster, cluster.route_to(2), 'Bob', emails['Bob'])
    carol = log_in_through(browser, cluster, cluster.route_to(2), 'Carol', emails['Carol'])

    ada.send('Hello from node one')
    expect(bob.message('Hello from node one')).to_be_visible()
    bob.send('Hello back from node two')
    expect(ada.message('Hello back from node two')).to_be_visible()
    indicator = ada.page.locator('.chat-main [data-testid=typing-indicator]')
    bob.composer().press_sequentially('typing on node two')
    expect(indicator).to_have_text('Bob is typing…')
    bob.composer().fill('')

    # An edit on node one and reactions from both nodes reach the other node's tab live.
    edit_message(ada, 'Hello from node one', 'Hello from node one, edited')
    expect(bob.message('Hello from node one, edited')).to_be_visible(timeout=LIVE)
    expect(bob.message('Hello from node one, edited').get_by_test_id('message-edited')).to_be_visible()
    react_with_tada(bob, 'Hello from node one, edited')
    ada_chip = ada.message('Hello from node one, edited').locator('[data-testid=reaction][data-emoji=tada]')
    expect(ada_chip).to_have_attribute('data-count', '1', timeout=LIVE)
    ada_chip.click()  # Ada joins Bob's reaction from node one
    bob_chip = bob.message('Hello from node one, edited').locator('[data-testid=reaction][data-emoji=tada]')
    expect(bob_chip).to_have_attribute('data-count', '2', timeout=LIVE)

    # Presence both ways: Ada (node one) is online for Bob (node two) and her change of status reaches him live.
    bob.page.get_by_test_id('open-people').click()
    ada_row = bob.page.locator('[data-testid=presence-item]:has-text("Ada")')
    expect(ada_row).to_have_attribute('data-status', 'online', timeout=LIVE)
    set_busy(ada)
    expect(ada_row).to_have_attribute('data-status', 'busy', timeout=LIVE)

    ada.page.get_by_test_id('open-people').click()
    bob_row = ada.page.locator('[data-testid=presence-item]:has-text("Bob")')
    carol_row = ada.page.locator('[data-testid=presence-item]:has-text("Carol")')
    expect(bob_row).to_have_attribute('data-status', 'online')
    expect(carol_row).to_have_attribute('data-status', 'online')

    # Node two dies with Bob's and Carol's tabs. Carol's browser goes too, so nothing reconnects for her: node
    # one forgets the dead node within its TTL (16 s) and she goes offline. Bob's browser reconnects through
    # the proxy, which moves it to node one, where the page is rebuilt, still logged in.
    cluster.run('kill-node', '2')
    assert not running(cluster.nodes[2][1])
    carol.context.close()
    expect(carol_row).to_have_attribute('data-status', 'offline', timeout=30_000)
    expect(bob.page.locator('.chat-main [data-testid=composer]')).to_be_visible(timeout=30_000)
    expect(bob.message('Hello back from node two')).to_be_visible(timeout=30_000)
    bob.send('Still here, now on node one')
    expect(ada.message('Still here, now on node one')).to_be_visible()
    expect(bob_row).to_have_attribute('data-status', 'online', timeout=15_000)
    assert cluster.node_answering(cluster.route_to(1)) == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    bob.page.screenshot(path=str(SHOTS / 'cluster-bob-moved.png'))
    ada.page.screenshot(path=str(SHOTS / 'cluster-ada.png'))

    status = cluster.run('status')
    assert 'node2=' in status and 'stopped' in status
    cluster.run('start-node', '2')
    ada.context.close()
    bob.context.close()


def test_down_stops_everything_it_started(cluster: Cluster) -> None:
    status = cluster.run('status')
    pids = [int(pid) for pid in re.findall(r'=running (\d+)$', status, re.M)]
    pids += [int(pid) for pid in re.findall(r'^node\d+=\d+ (\d+)$', status, re.M)]
    assert len(pids) == 5, status  # PostgreSQL, Redis, nginx and both nodes
    cluster.run('down')
    assert [pid for pid in pids if running(pid)] == []
    assert 'nothing to stop' in cluster.run('down')  # idempotent; the fixture's own down is a no-op now
