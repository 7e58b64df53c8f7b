"""Summaries of latency samples (milliseconds) and small helpers shared by the report."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def summarize(values: Sequence[float]) -> dict[str, Any]:
    ordered = sorted(values)
    if not ordered:
        return {'count': 0, 'p50': None, 'p95': None, 'p99': None, 'max': None, 'mean': None}
    return {
        'count': len(ordered),
        'p50': round(percentile(ordered, 0.50), 3),
        'p95': round(percentile(ordered, 0.95), 3),
        'p99': round(percentile(ordered, 0.99), 3),
        'max': round(ordered[-1], 3),
        'mean': round(sum(ordered) / len(ordered), 3),
    }


def ratio(ours: float | None, other: float | None) -> float | None:
    """ours / other, or None when either side is missing or the other is zero."""
    if ours is None or other is None or other == 0 or math.isnan(ours) or math.isnan(other):
        return None
    return float(f'{ours / other:.3g}')  # three significant digits: Synapse ratios go down to 0.0007
