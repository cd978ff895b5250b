"""Between MkDocs and the swap: download names and sizes, the check, Pagefind, CSP and ``.gz``.

Why one module: one after another, these steps each walked the whole new
site (every page read four times, every linked ``.gz`` decompressed to be
checked), which cost an incremental export at 1,000 notices as much as a
full one.  Here each file is touched once, and only when needed:

* sizes are written only into pages that show one (the exporter knows them
  from the Markdown), and in an incremental export only into pages built
  now or showing a ledger file written now;
* Pagefind (its own process) runs while this process checks, hashes and
  compresses the pages, one read each;
* an incremental export checks and compresses only the files it built or
  rewrote.  A file linked from the live site has the bytes it had there,
  where it passed the same check (the check's code is part of the
  fingerprint, export/incremental.py) and its ``.gz`` was linked with it.
  Only a link target that is gone could break one of its links, so when
  anything of the live site's pages or downloads is gone every page is
  checked;
* the ledger process writes its files' ``.gz`` itself, so downloads are
  never compressed here.

:mod:`export.build` decides what was built and what was linked; this
module only needs the names.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .compression import COMPRESSED_SUFFIXES
from .downloads import DOWNLOADS_DIR, SizeFiller
from .prepublish import check_page
from .search_index import BUNDLES, SearchIndexStats, SearchPlan, build_search_index
from .serving import compress_file, link_download_names, script_hashes, write_csp

Timer = Callable[[str, float], None]


@dataclass
class FinishPlan:
    """What :func:`finish_site` needs to know about the new site."""

    ledgers: list[tuple[str, str]]  # (stem, file label) of every ledger, kept ones too
    calendars: list[tuple[str, str]] = field(default_factory=list)  # (stem, calendar name)
    # Site path of each page that shows a download's size → the download files it shows; None: unknown
    # (every page is looked at).
    sized_pages: dict[str, frozenset[str]] | None = None
    # Site paths hard-linked unchanged from the live site (incremental; empty for a full build).
    linked: set[str] = field(default_factory=set)
    # Download file names (under downloads/) written by this export's ledger step.
    fresh_downloads: set[str] = field(default_factory=set)
    # Something the live site had (a page or a download) is not in the new one: check every page.
    removed: bool = True


@dataclass
class FinishResult:
    problems: list[str]
    search_index: SearchIndexStats | None
    rewritten: list[str] = field(default_factory=list)  # pages whose sizes changed
    checked: int = 0
    compressed: int = 0


def pages_to_fill(plan: FinishPlan) -> list[str] | None:
    """Pages whose download sizes may need writing, sorted; None: look in every page."""
    if plan.sized_pages is None:
        return None
    return sorted(
        page
        for page, files in plan.sized_pages.items()
        if page not in plan.linked or not files.isdisjoint(plan.fresh_downloads)
    )


def _site_files(site_dir: Path) -> tuple[list[str], list[str]]:
    """(HTML pages, other text files worth a ``.gz``) as site paths, sorted; downloads and Pagefind left out."""
    pages: list[str] = []
    others: list[str] = []
    for path in site_dir.rglob("*"):
        if path.suffix not in COMPRESSED_SUFFIXES:
            continue
        name = path.relative_to(site_dir).as_posix()
        if name.startswith((f"{DOWNLOADS_DIR}/", *(f"{bundle}/" for bundle in BUNDLES))) or not path.is_file():
            continue
        (pages if path.suffix == ".html" else others).append(name)
    return sorted(pages), sorted(others)


@contextlib.contextmanager
def search_indexing(
    site_dir: Path,
    search: Callable[[Path, SearchPlan | None], SearchIndexStats] | None = build_search_index,
    plan: SearchPlan | None = None,
) -> Iterator[Future[tuple[SearchIndexStats, float]] | None]:
    """Run Pagefind over the built pages in a thread (its own process) from now on; joined on exit.

    Pagefind leaves the download lines (``.downloads``) out of what it
    indexes, so its bundle is the same before and after the sizes are filled
    in: it can start as soon as MkDocs is done, beside the ledger process,
    while the sizes are written.  Those rewrites replace a page by rename, so
    Pagefind reads either the old or the new file, never half of one.
    ``search`` None: no index (callers that only check).  ``plan``: which
    pages are letters and which bundles the live site has unchanged
    (export/search_index.py).
    """
    if search is None:
        yield None
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(_timed, search, site_dir, plan)


def finish_site(
    site_dir: Path,
    plan: FinishPlan,
    timer: Timer | None = None,
    indexing: Future[tuple[SearchIndexStats, float]] | None = None,
) -> FinishResult:
    """Everything the new site needs before the swap; the caller refuses a site with ``problems``.

    ``indexing``: Pagefind as started by :func:`search_indexing`; waited for
    here, its errors (:class:`export.search_index.SearchIndexError`) raised
    after this function's own work.
    """
    note = timer or (lambda name, seconds: None)
    started = time.perf_counter()
    link_download_names(site_dir, plan.ledgers, plan.calendars)
    note("link_download_names", time.perf_counter() - started)

    started = time.perf_counter()
    result = FinishResult(problems=[], search_index=None)
    fill = pages_to_fill(plan)
    to_fill = set(fill) if fill is not None else None
    sizes = SizeFiller(site_dir / DOWNLOADS_DIR)
    pages, others = _site_files(site_dir)
    hashes: set[str] = set()
    found: dict[str, bool] = {}
    for name in pages:
        path = site_dir / name
        data = path.read_bytes()
        rewritten = False
        if to_fill is None or name in to_fill:
            filled = sizes.fill(data.decode("utf-8"))
            if filled is not None:
                data = filled.encode("utf-8")
                _replace(path, data)
                result.rewritten.append(name)
                rewritten = True
        text = data.decode("utf-8")
        hashes |= script_hashes(text)
        trusted = name in plan.linked and not rewritten
        if plan.removed or not trusted:
            result.problems += check_page(site_dir, name, text, found)
            result.checked += 1
        result.compressed += compress_file(path, data, trust_existing=trusted)
    for name in others:
        result.compressed += compress_file(site_dir / name, trust_existing=name in plan.linked)
    note("sizes_check_csp_gzip", time.perf_counter() - started)
    if indexing is not None:
        waited = time.perf_counter()
        result.search_index, seconds = indexing.result()
        note("pagefind (parallel)", seconds)
        note("pagefind_wait", time.perf_counter() - waited)
    started = time.perf_counter()
    reused = set(result.search_index.reused) if result.search_index else set()
    for name in BUNDLES:
        bundle = site_dir / name
        if bundle.is_dir():
            # A bundle linked from the live site came with its .gz (export/search_index.py).
            for path in sorted(bundle.rglob("*")):
                if path.suffix in COMPRESSED_SUFFIXES and path.is_file():
                    result.compressed += compress_file(path, trust_existing=name in reused)
    write_csp(site_dir, hashes)
    note("csp_and_search_gzip", time.perf_counter() - started)
    return result


def _replace(path: Path, data: bytes) -> None:
    """A new file under ``path`` by rename: the old inode (maybe the live site's) is left as it was."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _timed(
    search: Callable[[Path, SearchPlan | None], SearchIndexStats], site_dir: Path, plan: SearchPlan | None
) -> tuple[SearchIndexStats, float]:
    started = time.perf_counter()
    return search(site_dir, plan), time.perf_counter() - started
