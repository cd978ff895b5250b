"""The exporter hands freed heap memory back before MkDocs, the ledgers and Pagefind run beside it."""

from __future__ import annotations

import gc
import os
import sys
import weakref

import pytest

from export.memory import collection_deferred, release_freed_memory


def _resident_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc's heap")
def test_release_freed_memory__freed_blocks_below_a_live_one_leave_the_process() -> None:
    blocks = [bytearray(20_000) for _ in range(5_000)]  # 100 MB in the heap, each block touched
    keep = bytearray(20_000)  # allocated after them: the heap cannot just shrink from its top
    del blocks
    before = _resident_mb()
    release_freed_memory()
    after = _resident_mb()
    assert before - after > 50, (before, after)
    assert len(keep) == 20_000


class _Cycle:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def _cycles(count: int) -> list[weakref.ref[_Cycle]]:
    """Make ``count`` cycles and drop them; the references tell whether they are still there."""
    return [weakref.ref(_Cycle()) for _ in range(count)]


def _alive(refs: list[weakref.ref[_Cycle]]) -> int:
    return sum(1 for ref in refs if ref() is not None)


def test_collection_deferred__cycles_made_meanwhile_wait_for_finish_and_are_freed_then() -> None:
    assert gc.isenabled()
    with collection_deferred() as deferred:
        assert not gc.isenabled()
        made = _cycles(100)
        deferred.resume()
        assert gc.isenabled()
        gc.collect()  # frozen: no collection walks them before finish
        assert _alive(made) == 100
        deferred.finish()
        assert gc.get_freeze_count() == 0
        assert _alive(made) == 0
    assert gc.isenabled()


def test_collection_deferred__a_failure_leaves_the_collector_as_it_was() -> None:
    made: list[weakref.ref[_Cycle]] = []
    with pytest.raises(RuntimeError), collection_deferred():
        made += _cycles(10)
        raise RuntimeError("export failed")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert _alive(made) == 0
    gc.disable()
    try:
        with collection_deferred() as deferred:
            deferred.resume()
            assert not gc.isenabled(), "a caller's disabled collector stays disabled"
        assert not gc.isenabled()
    finally:
        gc.enable()
