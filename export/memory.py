"""Give the memory of finished work back to the system before the long steps of an export.

Why: rendering builds every page's Markdown in memory (about 200 MB at
1,000 notices) and drops it when the files are written, but glibc keeps
the freed small blocks in the process's heap, so the exporter stayed at
its render peak while MkDocs, the ledger process and Pagefind ran beside
it — and those peaks add up (issue 17: a full export under 2 GB).
``malloc_trim`` hands the free pages back; elsewhere than glibc it does
nothing.  No garbage collection first: the pages are plain strings and
lists, freed by reference counting the moment they are dropped, and a full
collection walks every live object of the snapshot (half a second at 1,000
notices, on an incremental export's critical path) to find nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name) if name else None
        trim: Callable[[int], int] | None = getattr(library, "malloc_trim", None)
    except OSError:
        return None
    return trim


def release_freed_memory() -> None:
    """Return the heap's free pages to the system where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
