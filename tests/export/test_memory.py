"""The exporter hands freed heap memory back before MkDocs, the ledgers and Pagefind run beside it."""

from __future__ import annotations

import os
import sys

import pytest

from export.memory import release_freed_memory


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
