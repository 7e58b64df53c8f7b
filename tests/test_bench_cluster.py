"""The bench's cluster target (`--target cluster`): tabs alternate between the nodes, each delivery is tagged with
the receiving tab's node, and the coordinator splits send-to-receive into cross-node and same-node figures.

The cluster itself (PostgreSQL, Redis, nginx) is exercised by e2e/test_cluster.py and by running the bench.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from bench import marker
from bench.coordinator import node_latencies
from bench.loadgen import Worker
from bench.run import make_target, parse
from bench.tabs.base import Tab, TabSpec
from bench.targets.base import Layout
from bench.targets.cluster import ClusterTarget, parse_up, read_config


def test_tabs_alternate_between_the_nodes_on_their_own_ports(tmp_path: Path) -> None:
    target = ClusterTarget(tmp_path, Layout(tabs=6, room_size=3), nodes=2)
    target.nodes = {1: (7001, 11), 2: (7002, 12)}
    target.setup = {'rooms': {'0': 5, '1': 6}, 'big': 1, 'slug': 'bench', 'users': [f'u{i}' for i in range(6)],
                    'password': 'pw'}  # fmt: skip
    specs = target.specs(big_room=False)
    assert [spec.extra['node'] for spec in specs] == ['1', '2', '1', '2', '1', '2']
    assert [spec.url for spec in specs[:2]] == [
        'http://127.0.0.1:7001/w/bench/c/5',
        'http://127.0.0.1:7002/w/bench/c/5',
    ]
    assert {spec.room for spec in specs[3:]} == {'6'}  # both nodes in every room: each message crosses the bus
    assert {spec.url.split('/c/')[1] for spec in target.specs(big_room=True)} == {'1'}
    assert target.pid == 11  # the coordinator's CPU and memory figures follow node 1


def test_cluster_output_and_config_are_read_as_cluster_sh_writes_them(tmp_path: Path) -> None:
    url, nodes = parse_up('url=http://127.0.0.1:8190\nnode1=56315 8866\nnode2=60277 9229\n')
    assert url == 'http://127.0.0.1:8190' and nodes == {1: (56315, 8866), 2: (60277, 9229)}
    (tmp_path / 'cluster.conf').write_text('nodes=2\npg_port=47111\nnode1_port=1\nnodes=3\n')
    assert read_config(tmp_path) == {'nodes': '3', 'pg_port': '47111', 'node1_port': '1'}  # appended lines win


def test_the_run_command_knows_the_cluster_target_and_attaches_to_a_given_directory(tmp_path: Path) -> None:
    args = parse(['--target', 'cluster', '--cluster-dir', str(tmp_path / 'c'), '--quick'])
    assert args.targets == 'cluster'
    target = make_target('cluster', tmp_path, Layout(tabs=2, room_size=2), args)
    assert isinstance(target, ClusterTarget) and target.attached and target.cluster_dir == tmp_path / 'c'
    own = make_target('cluster', tmp_path, Layout(tabs=2, room_size=2), parse(['--target', 'cluster']))
    assert isinstance(own, ClusterTarget) and not own.attached  # started here, so stopped here too


def _tab(node: str) -> Tab:
    spec = TabSpec(index=0, room='r', url='http://x', extra={'node': node})
    return cast(Tab, SimpleNamespace(spec=spec, seen=set(), own={}))


def test_deliveries_are_tagged_with_the_receiving_node_and_split_by_the_senders() -> None:
    worker = Worker(0, 'ours', cast(Any, None))
    worker.record.phase = 1
    sent_us = marker.now_us() - 5_000
    one, two = _tab('1'), _tab('2')
    frame = marker.make_text('p1w0n0', sent_us)
    worker.on_frame(one, frame)
    worker.on_frame(two, frame)
    worker.on_frame(two, frame)  # a repeat is a duplicate, not a second delivery
    deliveries = worker.record.node_deliveries
    assert [(key, node) for key, node, _ in deliveries] == [('p1w0n0', '1'), ('p1w0n0', '2')]
    assert all(latency >= 5 for _, _, latency in deliveries) and worker.record.duplicates == 1

    split = node_latencies([{'node_deliveries': deliveries}], {'p1w0n0': {'room': 'r', 'node': '1'}})
    assert split['cross_node_ms']['count'] == 1 and split['same_node_ms']['count'] == 1
    assert node_latencies([{'node_deliveries': []}], {}) == {}  # other targets: no split, no extra figures
