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

import contextlib
import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable, Iterator


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


class DeferredCollection:
    """The cyclic garbage collector held off for the object-heavy start of an export (:func:`collection_deferred`)."""

    def __init__(self) -> None:
        self.was_enabled = gc.isenabled()
        self.resumed = False
        self.finished = False

    def resume(self) -> None:
        """End of the object-heavy part: collect again, but never walk what was made meanwhile.

        The objects made while paused are all in the youngest generation, so
        the first young collection after :func:`gc.enable` would walk every
        one of them (the snapshot, the render cache: seconds at 1,000
        notices, in the middle of the build).  Frozen, they are left alone
        until :meth:`finish`.
        """
        if self.resumed:
            return
        self.resumed = True
        gc.freeze()
        if self.was_enabled:
            gc.enable()

    def finish(self) -> None:
        """Once the export is over: unfreeze and collect, so a long-lived worker gives the cycles back."""
        self.resume()
        if self.finished:
            return
        self.finished = True
        gc.unfreeze()
        if self.was_enabled:
            gc.collect()


@contextlib.contextmanager
def collection_deferred() -> Iterator[DeferredCollection]:
    """No cyclic garbage collection from here to :meth:`DeferredCollection.resume`; collected by ``finish``.

    Why: the snapshot and the render make millions of containers that live
    to the end of the export (page records, the render cache's pages and
    ledger rows), and every full collection walks them all: at 1,000
    notices an incremental export spent 3-5 s of its snapshot and render in
    the collector (issue 17), to find a few thousand cycles (Wagtail's
    StreamValues of the snapshot's pages), which hold nothing the snapshot
    does not hold anyway.  Reference counting still frees everything else
    at once.  Leaving the block finishes the collection if the caller did
    not: an export that fails still leaves the collector as it found it.
    ``gc.freeze``/``gc.unfreeze`` act on the whole process: a caller that
    froze objects itself gets them unfrozen.
    """
    deferred = DeferredCollection()
    gc.disable()
    try:
        yield deferred
    finally:
        deferred.finish()
