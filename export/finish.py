"""Between MkDocs and the swap: download names and sizes, the check, Pagefind, CSP and ``.gz``.

Why one module: one after another, these steps each walked the whole new
site (every page read four times, every linked ``.gz`` decompressed to be
checked), which cost an incremental export at 1,000 notices as much as a
full one.  Here each file is touched once, and only when needed:

* sizes are written only into pages that show one (the exporter knows them
  from the Markdown), and in an incremental export only into pages built
  now or showing a ledger file written now;
* in a full build each page is finished as soon as MkDocs has written it
  (export/written_hooks.py names it) and, for a page showing download
  sizes, the ledger process has ended (:class:`PageStream`), on the core
  MkDocs leaves over; after MkDocs only the link lookups are left for
  those pages (issue 17: 12–20 s at 1,000 notices were spent here after
  MkDocs);
* Pagefind (its own process, both bundles at once) runs while this process
  checks, hashes and compresses what is left, one read each;
* an incremental export checks and compresses only the files it built or
  rewrote.  A file linked from the live site has the bytes it had there,
  where it passed the same check (the check's code is part of the
  fingerprint, export/incremental.py) and its ``.gz`` was linked with it.
  Only a link target that is gone could break one of its links, so when
  anything of the live site's pages or downloads is gone every page is
  checked;
* the ledger process writes its files' ``.gz`` itself, so downloads are
  never compressed here;
* a page linked unchanged that is neither checked nor given sizes is not
  read at all: its inline-script hashes (for the CSP) are the ones the
  export that built the live site recorded for it (export/incremental.py
  keeps them in the state), and its ``.gz`` came with it.  Reading and
  decoding all 9,168 pages of 1,000 notices to hash the same few scripts
  was most of an incremental export's finishing step.  The CSP is still the
  union over exactly the new site's pages, as a full export computes it: a
  page that was removed or rebuilt contributes what it has now or nothing.
  Without a record (first export, older state) every page is read, and
  the new record is returned for the next export's state.

:mod:`export.build` decides what was built and what was linked; this
module only needs the names.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .compression import COMPRESSED_SUFFIXES
from .downloads import DOWNLOADS_DIR, SizeFiller
from .prepublish import SKIPPED_PAGES, LinkCache, check_page, link_problems, page_links, text_problems
from .search_index import BUNDLES, SearchIndexStats, SearchPlan, build_search_index
from .serving import compress_file, link_download_names, script_hashes, write_csp
from .written_hooks import WRITTEN_VARIABLE

Timer = Callable[[str, float], None]


# The ledger step as the stream sees it: (the folder of its files, whether it has ended well).
LedgerProgress = Callable[[], tuple[Path, bool]]


@dataclass(frozen=True)
class EarlyPage:
    """What :class:`PageStream` made of one page: all :func:`finish_site` would, but the link lookups."""

    scripts: frozenset[str]
    links: list[tuple[str, str]]  # (url, target) not yet known to resolve: looked up once the site is complete
    problems: list[str]  # what the page's text alone shows (export/prepublish.py)
    compressed: bool  # its .gz written
    rewritten: bool  # its download sizes written


class PageStream:
    """Finishes each page while MkDocs writes the rest of a full build (export/written_hooks.py names them).

    Why: MkDocs uses one core, and the finishing pass over 9,168 pages
    cost 12–20 s after it (issue 17).  MkDocs converts every page's
    Markdown first and writes the pages only in its second half, so that is
    when this runs, beside it.  A page is read once, as soon as MkDocs names it: its
    download sizes are written, its script hashes, link targets and the
    problems its text shows are kept, and its ``.gz`` is written beside it
    (in the tree its MkDocs writes into; the shard merge moves it with the
    page).  A page showing download sizes (a key of ``sized``; nearly
    every page) waits until ``ledger()`` reports the ledger process
    ended; what is still waiting when MkDocs ends is left to
    :func:`finish_site`.  Why not as each ledger file is done: on two cores
    MkDocs, the ledger process and the stream would then share two cores
    while MkDocs writes, and MkDocs is the critical path; this way the
    stream takes the core only once the ledger process has left it.  A
    link to one of the ``expected`` pages (every page of the build, by site
    path) is taken as resolving; the others are kept and looked up at the
    end, and :func:`finish_site` drops every early result unless each
    expected page was built.
    """

    POLL_SECONDS = 0.05

    def __init__(
        self,
        site_dir: Path,
        expected: frozenset[str],
        sized: dict[str, frozenset[str]],
        ledger: LedgerProgress,
    ) -> None:
        self.site_dir = site_dir
        self.expected = expected
        self.sized = sized
        self.ledger = ledger
        self.pages: dict[str, EarlyPage] = {}
        self._sizes: SizeFiller | None = None
        self._ended = False
        self._waiting: list[tuple[Path, str]] = []  # sized pages named before their files were complete
        self._logs: list[tuple[Path, Path]] = []  # (log, the tree its pages are in)
        self._found: dict[str, bool] = {}  # targets found on disk (assets), shared between pages
        self._parsed: LinkCache = {}  # each href's url and path, shared between pages
        self._interned: dict[frozenset[str], frozenset[str]] = {}
        self._done = threading.Event()
        self._failed = False
        self._thread = threading.Thread(target=self._run, name="page-stream", daemon=True)
        self._thread.start()

    def watch(self, tree: Path, work: Path) -> dict[str, str]:
        """The environment for one ``mkdocs build`` writing into ``tree``: where its hook names the pages."""
        log = work / f"{tree.name}.written"
        log.write_bytes(b"")
        self._logs.append((log, tree))
        return {WRITTEN_VARIABLE: str(log)}

    def close(self) -> dict[str, EarlyPage]:
        """Finish the pages named so far (MkDocs is done, or failed) and stop; the early results by site path.

        Nothing when the stream failed: :func:`finish_site` then does every
        page itself, and meets (and reports) whatever stopped the stream.
        Called again, the same answer (the shard merge closes it before
        moving the pages it reads).
        """
        self._done.set()
        self._thread.join()
        return {} if self._failed else self.pages

    def _run(self) -> None:
        offsets: dict[Path, int] = {}
        try:
            while True:
                finishing = self._done.is_set()  # read before the logs: nothing named after it is missed
                named = False
                for log, tree in list(self._logs):
                    with log.open("rb") as handle:
                        handle.seek(offsets.get(log, 0))
                        data = handle.read()
                    complete = data[: data.rfind(b"\n") + 1]
                    offsets[log] = offsets.get(log, 0) + len(complete)
                    for name in complete.decode("utf-8").splitlines():
                        named = True
                        self._take(tree, name)
                if self._waiting and not self._ended and self._ledger_ended():
                    waiting, self._waiting = self._waiting, []
                    for tree, name in waiting:
                        self._take(tree, name)
                    named = True
                if finishing:
                    return
                if not named:
                    self._done.wait(self.POLL_SECONDS)
        except Exception:  # finish_site does the pages again and reports the cause
            self._failed = True

    def _ledger_ended(self) -> bool:
        folder, self._ended = self.ledger()
        if self._sizes is None:
            self._sizes = SizeFiller(folder)
        return self._ended

    def _take(self, tree: Path, name: str) -> None:
        if name in self.sized and not self._ended:
            self._waiting.append((tree, name))
        else:
            self._finish(tree, name)

    def _finish(self, tree: Path, name: str) -> None:
        path = tree / name
        # A sized page comes here only once the ledger process has ended, which set _sizes (_take);
        # were it otherwise, the stream fails and finish_site does every page itself.
        assert self._sizes is not None or name not in self.sized
        data, text, rewritten = _read_filled(path, self._sizes if name in self.sized else None)
        hashes = frozenset(script_hashes(text))
        links = [] if name in SKIPPED_PAGES else page_links(name, text, self._parsed)
        self.pages[name] = EarlyPage(
            scripts=self._interned.setdefault(hashes, hashes),
            links=[(url, target) for url, target in links if not self._resolves(target)],
            problems=text_problems(name, text),
            compressed=compress_file(path, data),
            rewritten=rewritten,
        )

    def _resolves(self, target: str) -> bool:
        """Whether ``target`` is known to resolve now: an expected page, or a file already there (assets)."""
        if target in self.expected:
            return True
        if target.startswith(("/", "../")) or target == "..":
            return False
        found = self._found.get(target)
        if found is None:
            resolved = self.site_dir / target
            found = resolved.is_file() or (resolved / "index.html").is_file()
            if found:  # a file not there yet may be written later: asked again at the end
                self._found[target] = True
        return bool(found)


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
    # Site path → inline-script hashes of the live site's pages, as recorded when it was built
    # (export/incremental.py); a linked page found here need not be read.  None: read every page.
    scripts: dict[str, frozenset[str]] | None = None
    # Pages finished while MkDocs wrote the others (:class:`PageStream`), by site path.
    early: dict[str, EarlyPage] = field(default_factory=dict)
    expected: frozenset[str] = frozenset()  # the pages the stream took as resolving (PageStream.expected)


@dataclass
class FinishResult:
    problems: list[str]
    search_index: SearchIndexStats | None
    rewritten: list[str] = field(default_factory=list)  # pages whose sizes changed
    checked: int = 0
    compressed: int = 0
    read: int = 0  # pages read (the others' script hashes came from the plan's record)
    early: int = 0  # pages of the plan's early results used (finished while MkDocs wrote the others)
    # Site path of every page → the CSP hashes of its inline scripts, for the next export's state.
    scripts: dict[str, frozenset[str]] = field(default_factory=dict)


def pages_to_fill(plan: FinishPlan) -> list[str] | None:
    """Pages whose download sizes may need writing, sorted; None: look in every page."""
    if plan.sized_pages is None:
        return None
    return sorted(
        page
        for page, files in plan.sized_pages.items()
        if page not in plan.linked or not files.isdisjoint(plan.fresh_downloads)
    )


@dataclass
class _SiteFiles:
    pages: list[str]  # HTML pages, sorted
    others: list[str]  # other text files worth a ``.gz``, sorted
    packed: set[str]  # files that have a ``.gz`` beside them


def _site_files(site_dir: Path) -> _SiteFiles:
    """The new site's files as site paths; downloads and Pagefind left out.

    Those folders are not entered at all (they hold three quarters of the
    files at 1,000 notices), and a file's type comes from its directory
    entry, not a ``stat``; so does whether it has a ``.gz`` already.
    """
    found = _SiteFiles([], [], set())
    skipped = {DOWNLOADS_DIR, *BUNDLES}
    folders = [("", str(site_dir))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if prefix or entry.name not in skipped:
                        folders.append((f"{prefix}{entry.name}/", entry.path))
                    continue
                suffix = os.path.splitext(entry.name)[1]
                if suffix == ".gz":
                    found.packed.add(prefix + entry.name[:-3])
                elif suffix in COMPRESSED_SUFFIXES and entry.is_file():
                    (found.pages if suffix == ".html" else found.others).append(prefix + entry.name)
    found.pages.sort()
    found.others.sort()
    return found


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
    named = link_download_names(site_dir, plan.ledgers, plan.calendars)
    note("link_download_names", time.perf_counter() - started)

    started = time.perf_counter()
    result = FinishResult(problems=[], search_index=None)
    fill = pages_to_fill(plan)
    to_fill = set(fill) if fill is not None else None
    sizes = SizeFiller(site_dir / DOWNLOADS_DIR)
    files = _site_files(site_dir)
    # A linked page's recorded hashes stand in for reading it, unless it is to be checked or given sizes.
    recorded = plan.scripts if plan.scripts is not None and to_fill is not None and not plan.removed else {}
    interned: dict[frozenset[str], frozenset[str]] = {}
    # The check's cache of link targets, started with the files just listed or linked (no stat for those:
    # the index pages link to thousands).
    found = dict.fromkeys([*files.pages, *files.others, *named], True)
    parsed: LinkCache = {}
    # Early results took a link to any expected page as resolving: kept only if every one was built.
    early = plan.early if plan.early and plan.expected <= set(files.pages) else {}

    for name in files.pages:
        finished = early.get(name)
        if finished is not None:
            # Filled, hashed and compressed while MkDocs wrote the others; only its links are looked up now.
            if finished.rewritten:
                result.rewritten.append(name)
            result.scripts[name] = interned.setdefault(finished.scripts, finished.scripts)
            result.problems += link_problems(site_dir, name, finished.links, found) + finished.problems
            result.read += 1
            result.early += 1
            result.checked += 1
            result.compressed += finished.compressed
            continue
        known = recorded.get(name) if name in plan.linked else None
        if known is not None and name not in (to_fill or ()):
            # Linked unchanged, not checked, no size to write: the live site's bytes, hashed when it was built.
            result.scripts[name] = interned.setdefault(known, known)
            if name not in files.packed:  # its .gz was not linked with it
                result.compressed += compress_file(site_dir / name, trust_existing=True)
            continue
        path = site_dir / name
        data, text, rewritten = _read_filled(path, sizes if to_fill is None or name in to_fill else None)
        result.read += 1
        if rewritten:
            result.rewritten.append(name)
        hashes = frozenset(script_hashes(text))
        result.scripts[name] = interned.setdefault(hashes, hashes)
        trusted = name in plan.linked and not rewritten
        if plan.removed or not trusted:
            result.problems += check_page(site_dir, name, text, found, parsed)
            result.checked += 1
        result.compressed += compress_file(path, data, trust_existing=trusted)
    for name in files.others:
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
    write_csp(site_dir, frozenset[str]().union(*interned))
    note("csp_and_search_gzip", time.perf_counter() - started)
    return result


def _read_filled(path: Path, sizes: SizeFiller | None) -> tuple[bytes, str, bool]:
    """A page's bytes and text, its download sizes written first when ``sizes`` is given; whether rewritten.

    The one place both the stream and :func:`finish_site` read a page: a page
    filled in one and not the other would differ from a full export's bytes.
    """
    data = path.read_bytes()
    text = data.decode("utf-8")
    filled = sizes.fill(text) if sizes is not None else None
    if filled is None:
        return data, text, False
    data = filled.encode("utf-8")
    _replace(path, data)
    return data, filled, True


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
