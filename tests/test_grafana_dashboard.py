"""deploy/grafana-dashboard.json asks only for series that /metrics exports (a renamed metric breaks it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from state import metrics

DASHBOARD = Path(__file__).resolve().parent.parent / 'deploy' / 'grafana-dashboard.json'
SUFFIXES = {'counter': ('_total',), 'histogram': ('_bucket', '_count', '_sum'), 'gauge': ('',), 'info': ('_info',)}


def exported_series() -> set[str]:
    names: set[str] = set()
    for family in metrics.registry.collect():
        names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ('',))}
        names |= {sample.name for sample in family.samples}
    return names


def dashboard_expressions() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())['panels']
    return [target['expr'] for panel in panels for target in panel.get('targets', ())]


def test_every_series_the_dashboard_queries_is_exported() -> None:
    exported = exported_series()
    expressions = dashboard_expressions()
    assert len(expressions) >= 15
    queried = {name for expr in expressions for name in re.findall(r'\b((?:chat|process)_[a-z_]+)\b', expr)}
    assert queried, expressions
    assert queried <= exported, sorted(queried - exported)


def test_every_chat_metric_has_a_panel() -> None:
    queried = ' '.join(dashboard_expressions())
    chat_families = {family.name for family in metrics.registry.collect() if family.name.startswith('chat_')}
    assert chat_families and all(name in queried for name in chat_families), chat_families
