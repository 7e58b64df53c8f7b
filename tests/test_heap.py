"""The long-lived heap is frozen out of routine collections, and cycles that die while frozen are still freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from state import heap


class _Node:
    def __init__(self) -> None:
        self.partner: _Node | None = None


def _cycle() -> tuple[weakref.ref[_Node], weakref.ref[_Node]]:
    a, b = _Node(), _Node()
    a.partner, b.partner = b, a
    return weakref.ref(a), weakref.ref(b)


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freeze_moves_survivors_out_of_routine_collections() -> None:
    kept = [_Node() for _ in range(100)]
    heap.freeze_survivors()
    assert gc.get_freeze_count() >= len(kept)


def test_young_garbage_is_collected_before_freezing() -> None:
    first, _ = _cycle()  # unreachable already: the collection before the freeze frees it
    heap.freeze_survivors()
    assert first() is None


def test_a_cycle_that_dies_while_frozen_waits_for_the_sweep() -> None:
    holder = [_Node()]
    holder[0].partner = _Node()
    holder[0].partner.partner = holder[0]
    alive = weakref.ref(holder[0])
    heap.freeze_survivors()
    holder.clear()
    gc.collect()
    assert alive() is not None  # frozen: a routine full collection does not look at it
    heap.sweep()
    assert alive() is None
    assert gc.get_freeze_count() > 0  # and the survivors are frozen again
