"""Target: our app as a cluster started (or attached to) with deploy/cluster.sh: PostgreSQL, Redis, N nodes, nginx.

Tab i talks to node `i % N + 1` on that node's own port, so in every room the tabs alternate between the nodes
and a message reaches half its receivers through the Redis bus: the loadgen tags each delivery with the
receiving tab's node, the coordinator splits send-to-receive into cross-node and same-node figures. The proxy
is checked once at start: a `chat_node` cookie must reach each node through it (deploy/nginx/routing.conf).
Talking to the nodes directly keeps the measurement about the bus, and pins each tab to a known node.

The coordinator's CPU and memory figures follow one process; here that is node 1, which holds 1/N of the tabs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

from bench.procs import ROOT, clean_env, free_port
from bench.tabs.base import TabSpec
from bench.targets.base import Layout, Target

SCRIPT = ROOT / 'deploy' / 'cluster.sh'
# As for the single server: hashing is setup here, not a measured figure (cluster.sh passes CHAT_* to the nodes).
CHEAP_HASHING = {'CHAT_ARGON2_MEMORY_KIB': '8192', 'CHAT_ARGON2_TIME_COST': '1'}
ROUTE_PROBES = 200


def parse_up(output: str) -> tuple[str, dict[int, tuple[int, int]]]:
    """`cluster.sh up` prints `url=...` and one `nodeK=PORT PID` per running node."""
    url = re.search(r'^url=(\S+)$', output, re.M)
    if url is None:
        raise RuntimeError(f'cluster.sh up printed no url:\n{output}')
    nodes = {int(k): (int(port), int(pid)) for k, port, pid in re.findall(r'^node(\d+)=(\d+) (\d+)$', output, re.M)}
    return url.group(1), nodes


def read_config(cluster_dir: Path) -> dict[str, str]:
    """cluster.conf's key=value lines; a later line wins (cluster.sh appends when nodes are added)."""
    config: dict[str, str] = {}
    for line in (cluster_dir / 'cluster.conf').read_text().splitlines():
        key, _, value = line.partition('=')
        config[key.strip()] = value.strip()
    return config


def node_behind_proxy(url: str, route: str) -> int:
    """The port of the node the proxy sends a browser with this `chat_node` cookie to."""
    request = urllib.request.Request(url + '/healthz', headers={'Cookie': f'chat_node={route}'})
    with urllib.request.urlopen(request, timeout=5) as answer:
        upstream = str(answer.headers['X-Teamchat-Node']).split(',')[-1].strip()  # the last node tried answered
    return int(upstream.rsplit(':', 1)[1])


class ClusterTarget(Target):
    name = 'cluster'
    kind = 'ours'
    label = 'ours, cluster'

    def __init__(self, workdir: Path, layout: Layout, cluster_dir: Path | None = None, nodes: int = 2) -> None:
        super().__init__(workdir, layout)
        self.attached = cluster_dir is not None  # a cluster someone else started is left running
        self.cluster_dir = cluster_dir if cluster_dir is not None else self.workdir / 'cluster'
        self.node_count = nodes
        self.nodes: dict[int, tuple[int, int]] = {}
        self.label = f'ours, {nodes}-node cluster'

    def script(self, command: str, *args: str, timeout: float = 600) -> str:
        env = clean_env({'PYTHON': sys.executable, **CHEAP_HASHING})
        done = subprocess.run(
            ['bash', str(SCRIPT), command, '--dir', str(self.cluster_dir), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f'cluster.sh {command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}')
        return done.stdout

    @property
    def pid(self) -> int:
        return self.nodes[1][1]

    def start(self) -> None:
        if not self.attached:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.url, self.nodes = parse_up(self.script('up', '--nodes', str(self.node_count), '--port', str(free_port())))
        if sorted(self.nodes) != list(range(1, self.node_count + 1)):
            raise RuntimeError(f'not every node runs: {self.nodes}')
        self._check_proxy()
        self._prepare_data()
        how = 'attached to' if self.attached else 'started'
        self.notes.append(
            f'{how} deploy/cluster.sh in {self.cluster_dir}: PostgreSQL, Redis, {self.node_count} nodes, nginx'
        )
        self.notes.append('tab i talks to node i % N + 1 directly; cross-node = receiver on another node than sender')
        self.notes.append('server CPU and RSS figures are node 1 only (it holds 1/N of the tabs)')

    def _check_proxy(self) -> None:
        """Sticky routing works: for each node some cookie value lands on it through nginx."""
        ports = {port: k for k, (port, _) in self.nodes.items()}
        reached: dict[int, str] = {}
        for attempt in range(ROUTE_PROBES):
            route = f'bench{attempt}'
            reached.setdefault(ports[node_behind_proxy(self.url, route)], route)
            if len(reached) == len(ports):
                break
        if len(reached) != len(ports):
            raise RuntimeError(f'the proxy {self.url} reached only nodes {sorted(reached)}')
        self.notes.append(
            f'proxy check: {self.url} routes chat_node cookies to every node ('
            + ', '.join(f'{route} → node {k}' for k, route in sorted(reached.items()))
            + ')'
        )

    def _prepare_data(self) -> None:
        config = read_config(self.cluster_dir)
        data_dir = self.workdir / 'setup-data'
        data_dir.mkdir(parents=True, exist_ok=True)
        env = {
            'CHAT_DATA_DIR': str(data_dir),
            'CHAT_DATABASE_URL': f'postgresql+psycopg://chat:chat@127.0.0.1:{config["pg_port"]}/chat',
            'NICEGUI_STORAGE_PATH': str(data_dir / 'nicegui'),
            **CHEAP_HASHING,
        }
        setup_file = self.workdir / 'setup.json'
        prefix = f'c{uuid.uuid4().hex[:6]}-u'  # an attached cluster keeps the users of earlier runs
        layout = self.layout
        command = [sys.executable, '-m', 'bench.targets.ours_setup', '--tabs', str(layout.tabs)]
        command += ['--room-size', str(layout.room_size), '--history', str(layout.history), '--out', str(setup_file)]
        command += ['--email-prefix', prefix]
        done = subprocess.run(command, cwd=ROOT, env=clean_env(env), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f'preparing the cluster data failed:\n{done.stderr[-3000:]}')
        self.setup = json.loads(setup_file.read_text())

    def node_of(self, tab: int) -> int:
        return tab % self.node_count + 1

    def specs(self, big_room: bool) -> list[TabSpec]:
        rooms: dict[str, int] = self.setup['rooms']
        specs = []
        for i in range(self.layout.tabs):
            channel = self.setup['big'] if big_room else rooms[str(self.layout.room_of(i))]
            node = self.node_of(i)
            url = f'http://127.0.0.1:{self.nodes[node][0]}/w/{self.setup["slug"]}/c/{channel}'
            specs.append(
                TabSpec(
                    index=i,
                    room=str(channel),
                    url=url,
                    user=self.setup['users'][i],
                    secret=self.setup['password'],
                    extra={'node': str(node)},
                )
            )
        return specs

    def stop(self) -> None:
        if not self.attached and (self.cluster_dir / 'cluster.conf').exists():
            self.script('down')  # also after a failed start: whatever `up` got running
