"""Turns a run's results into results.json, results.md (tables with ratios) and PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.stats import percentile, ratio

BASELINES = ('floor', 'naive', 'synapse')
ORDER = ('ours', 'cluster', 'floor', 'naive', 'synapse')


def _get(result: dict[str, Any], *path: str) -> Any:
    value: Any = result
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


# (label, path into a target's result, lower is better)
FIGURES: list[tuple[str, tuple[str, ...], bool]] = [
    ('send→receive p50 (ms)', ('steady', 'send_to_receive_ms', 'p50'), True),
    ('send→receive p95 (ms)', ('steady', 'send_to_receive_ms', 'p95'), True),
    ('send→receive p99 (ms)', ('steady', 'send_to_receive_ms', 'p99'), True),
    ('send→receive max (ms)', ('steady', 'send_to_receive_ms', 'max'), True),
    ('cross-node send→receive p50 (ms)', ('steady', 'cross_node_ms', 'p50'), True),
    ('cross-node send→receive p99 (ms)', ('steady', 'cross_node_ms', 'p99'), True),
    ('same-node send→receive p50 (ms)', ('steady', 'same_node_ms', 'p50'), True),
    ('same-node send→receive p99 (ms)', ('steady', 'same_node_ms', 'p99'), True),
    ('ack p50 (ms)', ('steady', 'ack_ms', 'p50'), True),
    ('ack p99 (ms)', ('steady', 'ack_ms', 'p99'), True),
    ('delivery completeness', ('steady', 'completeness'), False),
    ('duplicate deliveries', ('steady', 'duplicates'), True),
    ('sockets dropped, steady', ('steady', 'connection', 'drops'), True),
    ('sustained msgs/s', ('steady', 'msgs_per_s'), False),
    ('sustained tab updates/s', ('steady', 'tab_updates_per_s'), False),
    ('server CPU per tab update (µs)', ('steady', 'server_cpu_us_per_update'), True),
    ('server CPU, steady (cores)', ('steady', 'server_cpu', 'cores'), True),
    ('server RSS per tab (KB, marginal)', ('rss_per_tab_kb',), True),
    ('server RSS with all tabs (MB)', ('server_rss_tabs_mb',), True),
    ('tab open p50 (ms)', ('tab_open_ms', 'p50'), True),
    ('tab open p95 (ms)', ('tab_open_ms', 'p95'), True),
    ('reconnect storm: all tabs back (s)', ('storm', 'all_reloaded_s'), True),
    ('reconnect storm: reload p99 (ms)', ('storm', 'reload_ms', 'p99'), True),
    ('reconnect storm: page loads retried', ('storm', 'connection', 'open_retries'), True),
    ('completeness after the storm', ('storm', 'completeness_after'), False),
    ('tabs connected at once (rooms + big room)', ('all_at_once', 'tabs'), False),
    ('tabs that failed to open with the others connected', ('all_at_once', 'failed'), True),
    ('sockets dropped with all tabs connected', ('all_at_once', 'connection', 'drops'), True),
    ('server RSS with all tabs connected (MB)', ('all_at_once', 'server_rss_mb'), True),
    ('big room send→receive p50 (ms)', ('big_room', 'send_to_receive_ms', 'p50'), True),
    ('big room send→receive p99 (ms)', ('big_room', 'send_to_receive_ms', 'p99'), True),
    ('big room send→receive max (ms)', ('big_room', 'send_to_receive_ms', 'max'), True),
    ('big room cross-node send→receive p99 (ms)', ('big_room', 'cross_node_ms', 'p99'), True),
    ('big room completeness', ('big_room', 'completeness'), False),
    ('big room sockets dropped', ('big_room', 'connection', 'drops'), True),
    ('big room server CPU per tab update (µs)', ('big_room', 'server_cpu_us_per_update'), True),
]


def _fmt(value: Any) -> str:
    if value is None:
        return '—'
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, float):
        return f'{value:,.3f}' if abs(value) < 10 else f'{value:,.1f}'
    if isinstance(value, int):
        return f'{value:,}'
    return str(value)


def _fmt_ratio(value: float | None) -> str:
    """Two significant digits below 1 (Synapse's latency ratios are around 0.0007), else like other figures."""
    if value is None:
        return '—'
    if 0 < abs(value) < 1:
        return f'{value:.2g}'
    return f'{value:,.2f}' if abs(value) < 10 else f'{value:,.1f}'


def ratios(targets: dict[str, dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Each figure of ours divided by the same figure of each baseline."""
    ours = targets.get('ours', {})
    table: dict[str, dict[str, float | None]] = {}
    for label, path, _lower in FIGURES:
        table[label] = {base: ratio(_get(ours, *path), _get(targets.get(base, {}), *path)) for base in BASELINES}
    return table


def markdown(results: dict[str, Any]) -> str:
    targets: dict[str, dict[str, Any]] = results['targets']
    present = [name for name in ORDER if name in targets]
    labels = {name: targets[name].get('label', name) for name in present}
    lines = [
        '# Benchmark results',
        '',
        f'Run: `{results["command"]}` at {results["started_at"]}, {results["wall_s"]} s.',
        '',
    ]
    machine = results['machine']
    lines.append(
        f'Machine: {machine["cpu"]}, {machine["cores"]} cores, {machine["memory_gb"]} GB RAM, Python '
        f'{machine["python"]}, NiceGUI {machine["nicegui"]}. Server and load generator share these cores.'
    )
    plan = results['plan']
    lines += [
        '',
        f'Workload: {plan["tabs"]} tabs (one user each) in rooms of {plan["room_size"]}, {plan["rate"]} msg/s for '
        f'{plan["duration"]} s; big room: all {plan["tabs"]} tabs in one room at {plan["big_rate"]} msg/s for '
        f'{plan["big_duration"]} s; reconnect storm: every tab reloads at once. '
        f'{plan["workers"]} load generator processes.',
        '',
    ]
    header = '| figure | ' + ' | '.join(labels[name] for name in present)
    bases = [b for b in BASELINES if b in targets and 'ours' in targets]
    header += ''.join(f' | ours ÷ {labels[b]}' for b in bases) + ' |'
    lines += [header, '|' + ' --- |' * (1 + len(present) + len(bases))]
    table = ratios(targets)
    for label, path, _lower in FIGURES:
        row = f'| {label} | ' + ' | '.join(_fmt(_get(targets[name], *path)) for name in present)
        row += ''.join(f' | {_fmt_ratio(table[label][b])}' for b in bases) + ' |'
        lines.append(row)
    limited = [labels[n] for n in present if _get(targets[n], 'steady', 'generator', 'generator_limited')]
    failed = [f'{labels[n]}: {targets[n]["error"]}' for n in present if 'error' in targets[n]]
    lines += ['']
    if limited:
        lines.append(
            f'**The load generator was the limit** (a worker over 85% CPU, loop lag, or late sends) for: '
            f'{", ".join(limited)}. Read those figures as lower bounds of what the server can do.'
        )
    else:
        lines.append('The load generator was not the limit in any steady phase (worker CPU, loop lag, late sends).')
    for line in failed:
        lines.append(f'- failed: {line}')
    for name in present:
        for note in targets[name].get('notes', []):
            lines.append(f'- {labels[name]}: {note}')
    history = results.get('history')
    if history and 'error' not in history:
        q = history['queries']
        lines += [
            '',
            f'## History: a {history["channel_messages"]:,}-message channel in a {history["messages"]:,}-message '
            f'database ({history["db_size_mb"]} MB), ours',
            '',
            '| figure | p50 | p95 | p99 | max |',
            '| --- | --- | --- | --- | --- |',
        ]
        for label, figure in (
            ('channel open through the page: GET + socket + newest 50 (ms)', history['channel_open_ms']),
            ('scroll-back page through the page: load-older → prepend (ms)', history['scroll_back_page_ms']),
            ('db/paging.latest_messages(50) (ms)', q['latest_50_ms']),
            ('db/paging.messages_before(50), random depth (ms)', q['older_page_ms']),
            ('db/paging.messages_after(200), catch-up (ms)', q['catch_up_200_ms']),
        ):
            lines.append(f'| {label} | ' + ' | '.join(_fmt(figure[k]) for k in ('p50', 'p95', 'p99', 'max')) + ' |')
        for name, figure in history.get('search', {}).items():
            label = f'search action, {name.replace("_", " ")}: `{figure["query"]}` (ms)'
            lines.append(f'| {label} | ' + ' | '.join(_fmt(figure[k]) for k in ('p50', 'p95', 'p99', 'max')) + ' |')
        lines += [
            '',
            f'Cold start (process start to the first 200 of /login, this database): {history["cold_start_s"]} s.',
        ]
        if history.get('search'):
            lines += [
                '',
                'Search runs as the reader of the big channel (public channels included), through the whole '
                'action: parse, scope, index query, hits with snippets; newest 20 first.',
            ]
    elif history:
        lines += ['', f'History figures failed: {history["error"]}']
    if not (history and history.get('search')):
        lines += ['', f'Search: {results.get("search", "not measured (run with the history figures)")}']
    chromium = results.get('chromium')
    if chromium:
        lines += ['', '## Real Chromium tabs (ours, during the steady phase)', '']
        if 'error' in chromium:
            lines.append(f'failed: {chromium["error"]}')
        else:
            s = chromium['send_to_visible_ms']
            lines.append(
                f'{chromium["tabs"]} headless Chromium tabs, send-to-visible in the DOM (MutationObserver): '
                f'p50 {_fmt(s["p50"])} ms, p95 {_fmt(s["p95"])} ms, p99 {_fmt(s["p99"])} ms, max {_fmt(s["max"])} ms '
                f'over {s["count"]} messages seen.'
            )
    for key, phase in (('profile', 'steady phase'), ('storm_profile', 'reconnect storm, first seconds')):
        profile = results.get(key)
        if not profile:
            continue
        lines += ['', f'## Where our server spends its time (py-spy, {phase})', '']
        if 'error' in profile:
            lines.append(f'failed: {profile["error"]}')
        else:
            lines += ['| function | self % | total % |', '| --- | --- | --- |']
            for row in profile['top']:
                lines.append(f'| `{row["function"]}` | {row["self_pct"]} | {row["total_pct"]} |')
    plots = 'latency_cdf.png, latency_timeline.png, latency_bars.png, cost_bars.png'
    lines += ['', f'Plots: {plots}. Raw figures: results.json.', '']
    return '\n'.join(lines)


def cdf_points(samples: list[float]) -> list[list[float]]:
    ordered = sorted(samples)
    if not ordered:
        return []
    return [[q / 1000, percentile(ordered, q / 1000)] for q in range(1, 1001)]


def plots(results: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    targets: dict[str, dict[str, Any]] = results['targets']
    present = [n for n in ORDER if n in targets and 'error' not in targets[n]]
    labels = {n: targets[n].get('label', n) for n in present}

    fig, ax = plt.subplots(figsize=(8, 5))
    for name in present:
        for phase, style in (('steady', '-'), ('big_room', ':')):
            points = _get(targets[name], phase, 'latency_cdf')
            if points:
                ax.plot([p[1] for p in points], [p[0] for p in points], style, label=f'{labels[name]} ({phase})')
    ax.set_xscale('log')
    ax.set_xlabel('send → receive latency (ms, log scale)')
    ax.set_ylabel('fraction of deliveries')
    ax.set_title('Send-to-receive latency over all deliveries')
    ax.grid(True, which='both', alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / 'latency_cdf.png', dpi=120)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for ax, phase, title in ((axes[0], 'steady', 'rooms'), (axes[1], 'big_room', 'big room')):
        width = 0.2
        drawn = False
        for i, key in enumerate(('p50', 'p95', 'p99', 'max')):
            values = [_get(targets[n], phase, 'send_to_receive_ms', key) or 0 for n in present]
            ax.bar([x + i * width for x in range(len(present))], values, width, label=key)
            drawn = drawn or any(v > 0 for v in values)
        ax.set_xticks([x + 1.5 * width for x in range(len(present))], [labels[n] for n in present], fontsize=8)
        if drawn:  # a phase that did not run has nothing to put on a log scale
            ax.set_yscale('log')
        ax.set_ylabel('ms (log scale)')
        ax.set_title(f'send → receive, {title}')
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / 'latency_bars.png', dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(9, 4.5))
    for name in present:
        rows = _get(targets[name], 'steady', 'latency_timeline') or []
        if rows:
            ax.plot([r[0] for r in rows], [r[3] for r in rows], label=f'{labels[name]} max')
            ax.plot([r[0] for r in rows], [r[2] for r in rows], ':', label=f'{labels[name]} p50')
    ax.set_yscale('log')
    ax.set_xlabel('seconds since the first send of the steady phase')
    ax.set_ylabel('send → receive per half second (ms, log scale)')
    ax.set_title('Latency over the steady phase: stalls show as spikes')
    ax.grid(True, which='both', alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out / 'latency_timeline.png', dpi=120)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    costs = (
        ('server CPU per tab update (µs)', ('steady', 'server_cpu_us_per_update')),
        ('server RSS per tab (KB)', ('rss_per_tab_kb',)),
    )
    for ax, (title, path) in zip(axes, costs, strict=True):
        ax.bar([labels[n] for n in present], [_get(targets[n], *path) or 0 for n in present], color='tab:gray')
        ax.set_title(title)
        ax.tick_params(axis='x', labelsize=8)
    fig.tight_layout()
    fig.savefig(out / 'cost_bars.png', dpi=120)
    plt.close(fig)


def write(results: dict[str, Any], out: Path) -> None:
    """Write all three outputs; latency samples become CDF points (the JSON stays small)."""
    out.mkdir(parents=True, exist_ok=True)
    for target in results['targets'].values():
        for phase in ('steady', 'big_room'):
            figures = target.get(phase)
            if isinstance(figures, dict) and 'latency_samples_ms' in figures:
                figures['latency_cdf'] = cdf_points(figures.pop('latency_samples_ms'))
    results['ratios'] = ratios(results['targets'])
    (out / 'results.json').write_text(json.dumps(results, indent=1))
    (out / 'results.md').write_text(markdown(results))
    plots(results, out)
