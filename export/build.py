"""Export the public site: snapshot → Markdown → ``mkdocs build`` → atomic swap.

DESIGN.md: "a failed export leaves the previous site intact".  So every step
writes into a fresh temporary directory next to its target and only a
finished result is renamed into place:

1. **snapshot**: :func:`export.snapshot.take_snapshot`, the only read of content.
2. **render**: :func:`export.docs_tree.render_docs` writes the pages of
   :func:`export.pages.build_pages` into ``<src>/.docs.render-*``, plus the
   hand-written assets, then swaps them into ``<src>/docs``.
3. **build**: ``mkdocs build --strict`` in a subprocess, with a config derived
   from the root ``mkdocs.yml`` (absolute paths, small nav), into
   ``<out>/../.<out>.build-*/site``; checked, then swapped into ``<out>``
   (old out of the way, new in, old removed).

The build is **incremental** by default: only pages whose Markdown changed
(and the nav pages) are built, everything else is hard-linked from the live
site (:mod:`export.incremental`, with the MkDocs side in
``export/partial_hooks.py``).  A **full** build (``full=True``, a changed
fingerprint, or no usable state) splits the pages between ``mkdocs
build`` processes on large sites with cores to spare, and finishes each
page (download sizes, check, CSP hashes, ``.gz``) as MkDocs writes it
(:class:`export.finish.PageStream`).  Either way the complete new site is
then checked (:mod:`export.prepublish`), indexed for search by Pagefind
(:mod:`export.search_index`: two bundles at once, each indexed anew,
patched or, when none of its pages changed, linked from the live site) and
prepared for nginx (:mod:`export.serving`), all before the swap.

A process killed half-way leaves only a hidden temporary directory, which
the next export removes; an exclusive lock keeps two exports from
interleaving.  Hand-written parts (``overrides/``, ``assets/``,
``home.md``) are taken from ``<src>`` when present
there, otherwise from the project's ``site_src/``; that is what lets tests
and benchmarks export into throwaway directories.

The output-directory discipline (temporary directories, atomic swap, lock,
disk-full message) is :mod:`export.outdir`; running MkDocs (derived config,
subprocess, shards) is :mod:`export.mkdocs_run`.  This module is the order
of the steps and what an incremental build reuses.
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from .docs_tree import DOCS_DIRNAME, render_docs, site_path
from .downloads import DOWNLOADS_DIR, Ledger, LedgerStats, LedgerStep, LedgerStepError, ledgers
from .finish import EarlyPage, FinishPlan, LedgerProgress, PageStream, finish_site, search_indexing
from .incremental import (
    ExportState,
    Reuse,
    ReuseFailed,
    fingerprint,
    ledger_digests,
    link_files,
    load_state,
    plan_reuse,
    save_state,
    site_identity,
)
from .ledger_worker import CALENDAR_FORMAT, FORMATS
from .memory import DeferredCollection, collection_deferred, release_freed_memory
from .mkdocs_run import (
    DEFAULT_SOURCE_DIR,
    PROJECT_DIR,
    ROOT_CONFIG,
    MkdocsRunner,
    build_config,
    build_shards,
    check_mkdocs,
    default_shards,
    mkdocs_env,
    read_report,
    run_mkdocs,
    run_partial,
    shard_pages,
    write_config,
)
from .outdir import LEDGER_DIR_TAG, ExportError, disk_space, export_lock, remove_stale, replace_dir, tree_size
from .prepublish import report as prepublish_report
from .render_cache import RenderCache, load_cache, save_cache
from .search_index import BUNDLES, SearchIndexError, SearchIndexStats, SearchPlan, bundle_keys
from .search_patch import LiveBundles
from .site import Site
from .tree import source_date

__all__ = [
    "ExportError",
    "ExportResult",
    "build_config",
    "export_lock",
    "export_site",
    "remove_stale",
    "replace_dir",
    "run_mkdocs",
    "write_config",
]

PARTIAL_HOOKS = Path(__file__).resolve().parent / "partial_hooks.py"
# Names each page once written, so a full build's pages are finished while MkDocs goes on (export/finish.py).
WRITTEN_HOOKS = Path(__file__).resolve().parent / "written_hooks.py"
# Every export's MkDocs skips re-parsing the pages' big HTML blocks (same bytes, see the module).
RAW_HTML_HOOKS = Path(__file__).resolve().parent / "raw_html_hooks.py"
# ... and converts every page with one Python-Markdown instance (same bytes, see the module).
REUSE_MARKDOWN_HOOKS = Path(__file__).resolve().parent / "reuse_markdown_hooks.py"
# ... and skips the inline patterns for text none of them can match (same bytes, see the module).
INLINE_HOOKS = Path(__file__).resolve().parent / "inline_hooks.py"
# ... and renders the theme's navigation once per folder for pages the nav does not list (same bytes, see the module).
NAV_CACHE_HOOKS = Path(__file__).resolve().parent / "nav_cache_hooks.py"
# The hooks that change how fast MkDocs builds the export's pages, never what it writes.
SPEED_HOOKS = (RAW_HTML_HOOKS, REUSE_MARKDOWN_HOOKS, INLINE_HOOKS, NAV_CACHE_HOOKS)
# Files every complete build has; a build without them is not swapped in.
REQUIRED_OUTPUT = ("index.html", "downloads.html", "units/index.html", "years/index.html")

Progress = Callable[[str], None]


@dataclass
class ExportResult:
    out_dir: Path
    docs_dir: Path
    notices: int = 0
    documents: int = 0
    units: int = 0
    pages: int = 0
    files: int = 0
    output_bytes: int = 0
    # The Pagefind bundles (<site>/pagefind*/): their size and how long indexing took (part of "build").
    search_index_bytes: int = 0
    search_index: SearchIndexStats | None = None
    # Critical path only (snapshot, render, build); their sum is the export's wall-clock time.
    timings: dict[str, float] = field(default_factory=dict)
    # The ledger step, overlapped with the build: its own wall-clock and CPU time, and
    # how long the build step waited for it after MkDocs had finished.
    ledgers: LedgerStats | None = None
    # How the pages were built: incrementally (built + linked from the live site) or in full (shards).
    incremental: bool = False
    built_pages: int = 0
    linked_files: int = 0
    # Pages the finishing step read (export/finish.py); an incremental one leaves linked pages unread.
    read_pages: int = 0
    # Pages of a full build finished while MkDocs wrote the others (export/finish.py: PageStream).
    early_pages: int = 0
    shards: int = 1
    # Wall-clock of each part of the build step (see :class:`BuildReport`), for the benchmark and the log.
    steps: dict[str, float] = field(default_factory=dict)
    # ``time.perf_counter()`` when the new site was swapped in: from then on readers see it.
    live_at: float = 0.0


@dataclass
class BuildReport:
    """What :func:`build_site` did, for the result and the next export's state."""

    ledgers: LedgerStats | None = None
    built_pages: int = 0
    linked_files: int = 0
    read_pages: int = 0
    early_pages: int = 0
    shards: int = 1
    site_identity: tuple[int, int] = (0, 0)
    search_index: SearchIndexStats | None = None
    # Step name → wall-clock seconds inside the build step, in the order they ran: where a
    # publish's time goes (issue 17); steps that overlap another are named so.
    steps: dict[str, float] = field(default_factory=dict)
    live_at: float = 0.0  # time.perf_counter() right after the swap

    def note(self, name: str, seconds: float) -> None:
        self.steps[name] = self.steps.get(name, 0.0) + seconds

    @contextlib.contextmanager
    def timed(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.note(name, time.perf_counter() - started)


def build_site(
    docs_dir: Path,
    out_dir: Path,
    *,
    src_dir: Path,
    base_url: str | None = None,
    epoch: int = 0,
    root_config: Path = ROOT_CONFIG,
    runner: MkdocsRunner | None = None,
    ledgers: list[Ledger] | None = None,
    reuse: Reuse | None = None,
    page_weights: dict[str, int] | None = None,
    shards: int = 1,
    before_swap: Callable[[Path], None] | None = None,
    state: ExportState | None = None,
    complete_state: Callable[[ExportState], None] | None = None,
    serving_ledgers: list[tuple[str, str]] | None = None,
    serving_calendars: list[tuple[str, str]] | None = None,
    sized_pages: dict[str, frozenset[str]] | None = None,
    ledger_step: LedgerStep | None = None,
    search_plan: SearchPlan | None = None,
) -> BuildReport:
    """Build into a temporary directory next to ``out_dir``, then swap it in.

    Three ways to build the pages, all giving the same bytes:

    * ``reuse``: only the pages in ``reuse.pages`` are built, the others are
      hard-linked from ``reuse.previous`` (the live site);
    * ``shards`` > 1 with ``page_weights`` (docs path → Markdown size): the
      pages are split between that many ``mkdocs build`` processes running at
      once, merged before the swap;
    * otherwise one plain ``mkdocs build``.

    ``ledgers`` are written by a :class:`LedgerStep` process while MkDocs
    runs and moved into the site before the swap; both must succeed.
    ``before_swap`` gets the complete new site (the place for post-build
    indexing and checks); raising :class:`ExportError` there keeps the old site.
    ``sized_pages`` (site path → download files whose size the page shows)
    limits where sizes are written (:mod:`export.finish`); None looks everywhere.
    ``ledger_step``: a ledger step already started (with its own directory,
    see :func:`start_ledgers`) instead of ``ledgers``; joined, and stopped
    and removed on failure, like one started here.
    ``search_plan``: which pages are letters (their own search bundle) and
    which bundles to link from the live site (export/search_index.py);
    None: every page in the main bundle.
    ``state`` is saved for the new site just before the swap (see
    export/incremental.py for why a state for a site that never got swapped
    in is harmless), after ``complete_state`` has filled in what was worked
    out while MkDocs ran.
    """
    run = runner or run_mkdocs
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir, keep=ledger_step.out_dir.parent if ledger_step and ledger_step.out_dir else None)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    step = ledger_step or (LedgerStep(ledgers) if ledgers else None)
    report = BuildReport()
    linked: set[str] = set()
    stream: PageStream | None = None
    try:
        site_dir = work / "site"
        config_path = work / "mkdocs.yml"
        config = build_config(
            docs_dir=docs_dir, site_dir=site_dir, src_dir=src_dir, base_url=base_url, root_config=root_config
        )
        partial = reuse is not None or (shards > 1 and page_weights is not None and len(page_weights) > 1)
        hooks = [*map(str, SPEED_HOOKS), *([str(PARTIAL_HOOKS)] if partial else []), str(WRITTEN_HOOKS)]
        config["hooks"] = [*(config.get("hooks") or []), *hooks]
        write_config(config, config_path)
        if step and step.process is None:
            step.start(work)  # ends in the finally below if anything fails first
        env = mkdocs_env(epoch)
        if reuse is not None and search_plan is not None and search_plan.previous is not None:
            # Read back the live bundles with changed pages while MkDocs builds (export/search_patch.py).
            changed = [name for name in BUNDLES if name not in search_plan.reuse]
            search_plan = dataclasses.replace(search_plan, live=LiveBundles(search_plan.previous, changed))
        # A full build's pages are finished as MkDocs writes them (export/finish.py); an incremental
        # one builds a handful, finished after it.
        stream = (
            PageStream(
                site_dir,
                frozenset(site_path(path) for path in page_weights if path.endswith(".md")),
                sized_pages,
                _ledger_progress(step, site_dir),
            )
            if reuse is None and page_weights is not None and sized_pages is not None
            else None
        )
        streamed: dict[str, EarlyPage] = {}
        with report.timed("mkdocs"):  # a failure here stops the stream in the finally below
            if reuse is not None:
                result, report_path = run_partial(run, config_path, site_dir, env, reuse.pages, work)
                check_mkdocs(result, out_dir)
                partial_report = read_report(report_path, out_dir)
            elif partial:
                assert page_weights is not None
                report.shards = shards
                report.built_pages = len(page_weights)
                pages = shard_pages(page_weights, shards)
                build_shards(run, config_path, site_dir, env, pages, work, out_dir, stream)
            else:
                written = stream.watch(site_dir, work) if stream is not None else {}
                check_mkdocs(run(config_path, site_dir, {**env, **written}), out_dir)
        if reuse is not None:
            with report.timed("link_previous"):
                report.built_pages, linked = _reuse_previous(reuse, site_dir, partial_report)
                report.linked_files = len(linked)
        missing = [name for name in REQUIRED_OUTPUT if not (site_dir / name).is_file()]
        if missing:
            raise ExportError(f"网站构建结果不完整（缺少 {'、'.join(missing)}），原有网站 {out_dir} 保持不变。")
        if reuse is not None and search_plan is not None:  # a bundle with changed pages is patched from the live one
            search_plan = dataclasses.replace(search_plan, linked=frozenset(linked))
        if search_plan is not None and step is not None:
            search_plan = dataclasses.replace(search_plan, second_bundle_gate=step.wait)
        # Pagefind from here on, beside the ledger process: its bundle does not depend on the downloads.
        with search_indexing(site_dir, plan=search_plan) as indexing:
            if stream is not None:  # its last pages, beside Pagefind (a size rewrite does not change what it reads)
                with report.timed("page_stream_rest"):
                    streamed = stream.close()
            if step:
                with report.timed("ledger_wait"):
                    report.ledgers = _join_ledgers(step, site_dir, out_dir)
            if reuse is not None and reuse.keep_ledgers:
                with report.timed("link_previous"):
                    kept = [f"{DOWNLOADS_DIR}/{name}.{fmt}" for name in reuse.keep_ledgers for fmt in FORMATS]
                    kept += [f"{DOWNLOADS_DIR}/{name}.{CALENDAR_FORMAT}" for name in reuse.keep_calendars]
                    report.linked_files += link_files(reuse.previous, site_dir, kept)
                    _link_compressed(reuse.previous, site_dir, kept)
            # Every ledger's download name, also those an incremental export links unchanged.
            if serving_ledgers is None:
                serving_ledgers = [(ledger.name, ledger.file_label) for ledger in ledgers or []]
            if serving_calendars is None:
                serving_calendars = [(ledger.name, ledger.calendar) for ledger in ledgers or [] if ledger.calendar]
            plan = FinishPlan(
                serving_ledgers,
                serving_calendars,
                sized_pages=sized_pages,
                linked=linked,
                fresh_downloads=set(step.files) if step else set(),
                removed=reuse is None or reuse.removed or _gone(reuse.previous, site_dir, DOWNLOADS_DIR),
                scripts=reuse.scripts if reuse is not None else None,
                early=streamed,
                expected=stream.expected if stream is not None else frozenset(),
            )
            try:
                finished = finish_site(site_dir, plan, report.note, indexing)
            except SearchIndexError as error:
                raise ExportError(f"{error}\n原有网站 {out_dir} 保持不变。") from error
        report.search_index = finished.search_index
        report.read_pages = finished.read
        report.early_pages = finished.early
        if finished.problems:
            found = prepublish_report(finished.problems)
            raise ExportError(f"发布前检查未通过，原有网站 {out_dir} 保持不变：\n{found}")
        if before_swap:
            with report.timed("before_swap"):
                before_swap(site_dir)
        report.site_identity = site_identity(site_dir)
        if state is not None:
            if complete_state is not None:
                complete_state(state)
            state.site = report.site_identity
            state.record_scripts(finished.scripts)  # lets the next incremental export leave linked pages unread
            save_state(out_dir, state)
        with report.timed("swap"):
            try:
                old_site = replace_dir(site_dir, out_dir, remove_old=False)
            except OSError as error:
                raise ExportError(f"无法把新网站换入 {out_dir}：{error}。原有网站保持不变。") from error
        report.live_at = time.perf_counter()
        # The new site is live; removing the old tree (one unlink per file) is housekeeping.
        if old_site is not None:
            with report.timed("remove_old_site"):
                shutil.rmtree(old_site, ignore_errors=True)
    finally:
        if stream is not None:
            stream.close()  # idempotent; stops it when something failed before its results were taken
        if step is not None and step.out_dir is not None and step.out_dir.parent != work:
            _discard(step)  # started before the render, in a directory of its own
        elif step is not None:
            step.stop()
        shutil.rmtree(work, ignore_errors=True)
    return report


def _ledger_progress(step: LedgerStep | None, site_dir: Path) -> LedgerProgress:
    """Whether ``step`` has ended, for :class:`export.finish.PageStream`; without one, no file will come."""
    if step is None:
        return lambda: (site_dir / DOWNLOADS_DIR, True)
    assert step.out_dir is not None, "started before MkDocs"
    folder = step.out_dir
    return lambda: (folder, step.ended())


def start_ledgers(items: list[Ledger], out_dir: Path, today: date | None = None) -> LedgerStep | None:
    """Start writing ``items`` now, in a directory of its own next to ``out_dir``, before the pages exist.

    Why: the ledger process is the longest part of a full export on two cores
    (issue 17); started before the Markdown is rendered it runs beside the
    render as well as beside MkDocs.  :func:`build_site` joins it.
    """
    if not items:
        return None
    step = LedgerStep(items, as_of=today)
    step.start(Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{LEDGER_DIR_TAG}-", dir=out_dir.parent)))
    return step


def _complete_state(digests: Future[dict[str, str]], state: ExportState) -> None:
    """Put the ledger digests worked out while MkDocs ran into the state saved for the next export."""
    state.ledgers = digests.result()


def _discard(step: LedgerStep | None) -> None:
    """Stop a ledger step that will not be used and remove its directory."""
    if step is not None:
        step.stop()
        if step.out_dir is not None:
            shutil.rmtree(step.out_dir.parent, ignore_errors=True)


def _link_compressed(previous: Path, site_dir: Path, paths: list[str]) -> None:
    """Link the live site's ``.gz`` beside each file linked unchanged, where it has one.

    Without them :func:`export.finish.finish_site` would gzip every linked
    page and ledger again (most of an incremental export's time at 1,000
    notices); it trusts a ``.gz`` linked with its file and keeps it.
    Not counted as linked files, and never required: a missing one is
    simply compressed anew.
    """
    link_files(previous, site_dir, [f"{path}.gz" for path in paths], missing_ok=True)


def _reuse_previous(reuse: Reuse, site_dir: Path, report: dict[str, Any]) -> tuple[int, set[str]]:
    """Link every page not built from the live site; (how many built, the pages linked)."""
    built = set(report["built"])
    pages = report["pages"]
    skipped = [page["dest"] for page in pages if page["src"] not in built]
    link_files(reuse.previous, site_dir, skipped)
    _link_compressed(reuse.previous, site_dir, skipped)
    return len(built), set(skipped)


def _gone(previous: Path, site_dir: Path, folder: str) -> bool:
    """Whether a file directly in the live site's ``folder`` is missing from the new site's."""
    try:
        before = {entry.name for entry in os.scandir(previous / folder) if entry.is_file()}
    except FileNotFoundError:
        return False
    try:
        now = {entry.name for entry in os.scandir(site_dir / folder)}
    except FileNotFoundError:
        return bool(before)
    return not before <= now


def _join_ledgers(step: LedgerStep, site_dir: Path, out_dir: Path) -> LedgerStats:
    """Wait for the ledger process and move its files into the new site, or explain in Chinese."""
    try:
        stats = step.finish()
        step.install(site_dir)
    except LedgerStepError as error:
        raise ExportError(f"{error}\n原有网站 {out_dir} 保持不变。") from error
    except OSError as error:
        raise ExportError(f"无法把台账文件放入新网站：{error}。原有网站 {out_dir} 保持不变。") from error
    return stats


# --- the whole export ---------------------------------------------------------------------


def _read_snapshot(out_dir: Path) -> dict[str, Any]:
    """Take the snapshot; a database that went away becomes a message the editor can act on.

    Nothing has been written yet at this point, so the previous site is
    untouched and a retry once the database is back is all it takes.
    """
    # Django only where the snapshot is read: the rest of export runs on its plain data.
    from django.db import DatabaseError

    from .snapshot import take_snapshot

    try:
        return take_snapshot()
    except DatabaseError as error:
        raise ExportError(
            f"读取公开内容快照时数据库出错（连接中断或数据库不可用）：{error}。"
            f"原有网站 {out_dir} 保持不变；请确认数据库恢复后重新导出。"
        ) from error


@contextlib.contextmanager
def _timed(steps: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        steps[name] = steps.get(name, 0.0) + time.perf_counter() - started


def site_fingerprint(docs_dir: Path, src_dir: Path, base_url: str | None, root_config: Path) -> str:
    """The fingerprint of everything but the pages (see :func:`export.incremental.fingerprint`)."""
    config = build_config(
        docs_dir=docs_dir, site_dir=docs_dir, src_dir=src_dir, base_url=base_url, root_config=root_config
    )
    config.pop("site_dir", None)
    return fingerprint(config=config, hand_written_roots=[DEFAULT_SOURCE_DIR, src_dir], project_dir=PROJECT_DIR)


def export_site(
    out_dir: Path,
    src_dir: Path,
    *,
    base_url: str | None = None,
    progress: Progress | None = None,
    snapshot: dict[str, Any] | None = None,
    root_config: Path = ROOT_CONFIG,
    runner: MkdocsRunner | None = None,
    full: bool = False,
    shards: int | None = None,
    before_swap: Callable[[Path], None] | None = None,
) -> ExportResult:
    """snapshot → render → build, reporting each step through ``progress``.

    Incremental unless ``full`` or the fingerprint changed (see
    export/incremental.py); a full build runs ``shards`` mkdocs processes
    at once (default: one per core, at most two).  The ledger process starts
    before the render: which ledgers an incremental build keeps is known from
    the snapshot alone.  No cyclic garbage collection during the snapshot
    and the render (export/memory.py); the one collection they put off runs
    once the site is live and the export's own data are gone.
    """
    with collection_deferred() as deferred:
        result = _export(
            out_dir,
            src_dir,
            base_url=base_url,
            progress=progress,
            snapshot=snapshot,
            root_config=root_config,
            runner=runner,
            full=full,
            shards=shards,
            before_swap=before_swap,
            deferred=deferred,
        )
        with _timed(result.steps, "collect_garbage"):
            deferred.finish()
    return result


def _export(
    out_dir: Path,
    src_dir: Path,
    *,
    base_url: str | None,
    progress: Progress | None,
    snapshot: dict[str, Any] | None,
    root_config: Path,
    runner: MkdocsRunner | None,
    full: bool,
    shards: int | None,
    before_swap: Callable[[Path], None] | None,
    deferred: DeferredCollection,
) -> ExportResult:
    """:func:`export_site`'s steps; ``deferred`` is resumed once the render is done."""
    say = progress or (lambda message: None)
    out_dir, src_dir = Path(out_dir).resolve(), Path(src_dir).resolve()
    result = ExportResult(out_dir=out_dir, docs_dir=src_dir / DOCS_DIRNAME)
    with export_lock(out_dir):
        started = time.perf_counter()
        if snapshot is None:
            snapshot = _read_snapshot(out_dir)
        result.timings["snapshot"] = time.perf_counter() - started
        result.notices = len(snapshot.get("notices", []))
        say(f"快照：{result.notices} 份主动公开的公文（{result.timings['snapshot']:.2f} 秒）")

        started = time.perf_counter()
        fingerprint_now = site_fingerprint(result.docs_dir, src_dir, base_url, root_config)
        # Each notice's assignments, pages and ledger rows from the last export where nothing they are
        # made of changed; a full export makes them all anew (and keeps them for the next one).
        cache = RenderCache.start(snapshot, fingerprint_now, None if full else load_cache(out_dir))
        site = Site.from_snapshot(snapshot, made=cache.assignments)
        cache.bind(site)
        items = ledgers(site, cache)
        today = date.today()  # one day for the ledgers' 下次节点 and their digests
        previous = None if full else load_state(out_dir)
        usable = previous is not None and previous.fingerprint == fingerprint_now and out_dir.is_dir()
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(out_dir)
        early = None
        if not usable:  # every ledger is written: started before their digests, which only the next export needs
            with disk_space(out_dir.parent, f"原有网站 {out_dir} "):
                early = start_ledgers(items, out_dir, today)
        digesting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-digests")
        try:
            known = cache.task_digests()
            # The ledgers' digests decide which ledger files an incremental export keeps; a full one only
            # saves them for the next export, so it works them out once the render is done, while the main
            # thread waits on MkDocs: 1.4 s off the critical path at 1,000 notices (issue 17).
            ledger_state = ledger_digests(items, today, known) if usable else {}
            kept = {
                name
                for name, value in ledger_state.items()
                if previous and usable and previous.ledgers.get(name) == value
            }
            if usable:
                with disk_space(out_dir.parent, f"原有网站 {out_dir} "):
                    early = start_ledgers([item for item in items if item.name not in kept], out_dir, today)
            with disk_space(src_dir, f"原有的 {src_dir / DOCS_DIRNAME} 和网站 {out_dir} "):
                rendered = render_docs(snapshot, src_dir, site=site, items=items, cache=cache, remove_old=False)
            release_freed_memory()  # the pages' Markdown, before MkDocs, ledgers and Pagefind run beside us
            later = None if usable else digesting.submit(ledger_digests, items, today, known)
            reuse = (
                None
                if full
                else plan_reuse(previous, fingerprint_now, rendered.digests, rendered.ledgers, out_dir, ledger_state)
            )
            if (set(reuse.keep_ledgers) if reuse else set()) != kept:
                # Full after all (most pages changed): the early step lacks the ledgers it would have kept.
                _discard(early)
                early = None
            deferred.resume()  # from here on the collector walks only what the build makes
            result.timings["render"] = time.perf_counter() - started
            result.pages, result.units, result.documents = rendered.pages, rendered.units, rendered.documents
            say(
                f"渲染：{result.pages} 个页面（公文、附件和目标责任书 {result.documents} 个，"
                f"责任单位 {result.units} 个） → {rendered.docs_dir}（{result.timings['render']:.2f} 秒）"
            )

            started = time.perf_counter()
            day = source_date(snapshot)
            search_keys = bundle_keys(rendered.digests, rendered.letters)
            state = ExportState(fingerprint_now, (0, 0), dict(rendered.digests), ledger_state, search=search_keys)
            letter_pages = frozenset(site_path(path) for path in rendered.letters)
            kwargs: dict[str, Any] = {
                "src_dir": src_dir,
                "base_url": base_url,
                "epoch": calendar.timegm(day.timetuple()) if day else 0,
                "root_config": root_config,
                "runner": runner,
                "before_swap": before_swap,
                "state": state,
                "serving_ledgers": [(item.name, item.file_label) for item in rendered.ledgers],
                "serving_calendars": [(item.name, item.calendar) for item in rendered.ledgers if item.calendar],
                "sized_pages": rendered.sized,
                "complete_state": None if later is None else partial(_complete_state, later),
            }
            with disk_space(out_dir.parent, f"原有网站 {out_dir} "):
                report = None
                if reuse is not None:
                    result.incremental = True
                    try:
                        report = build_site(
                            rendered.docs_dir,
                            out_dir,
                            ledgers=[item for item in rendered.ledgers if item.name not in kept],
                            ledger_step=early,
                            reuse=reuse,
                            search_plan=SearchPlan(
                                letter_pages,
                                previous=out_dir,
                                reuse=frozenset(
                                    name
                                    for name, key in search_keys.items()
                                    if previous is not None and previous.search.get(name) == key
                                ),
                            ),
                            **kwargs,
                        )
                    except ReuseFailed as error:
                        result.incremental = False
                        say(f"增量构建无法沿用上次的网站（{error}），改为全量构建")
                if report is None:
                    report = build_site(
                        rendered.docs_dir,
                        out_dir,
                        ledgers=rendered.ledgers,
                        ledger_step=early if reuse is None else None,  # else used up by the incremental try
                        page_weights=rendered.sizes,
                        shards=default_shards(len(rendered.sizes)) if shards is None else shards,
                        search_plan=SearchPlan(letter_pages),
                        **kwargs,
                    )
        except BaseException:
            _discard(early)  # build_site removes a step it was given; this covers a failure before it
            raise
        finally:
            digesting.shutdown()  # waits for the digests, if still at work (a failed build)
        cache.keep_task_digests(known)
        result.ledgers = report.ledgers
        result.built_pages, result.linked_files, result.shards = report.built_pages, report.linked_files, report.shards
        result.read_pages = report.read_pages
        result.early_pages = report.early_pages
        result.search_index = report.search_index
        result.steps = dict(report.steps)
        result.live_at = report.live_at
        # Housekeeping once the new site is live: keep this export's notices for the next one
        # (only when something changed), remove the docs tree this render replaced.
        if cache.changed:
            with _timed(result.steps, "save_render_cache"):
                try:
                    save_cache(out_dir, cache)
                except OSError as error:  # the site is live; the cache only makes the next export quicker
                    say(f"渲染缓存未能保存（{error}），下次导出将重新渲染所有页面。")
        if rendered.old_docs is not None:
            with _timed(result.steps, "remove_old_docs"):
                shutil.rmtree(rendered.old_docs, ignore_errors=True)
        result.timings["build"] = time.perf_counter() - started
        result.files, result.output_bytes = tree_size(out_dir)
        result.search_index_bytes = sum(tree_size(out_dir / name)[1] for name in BUNDLES if (out_dir / name).is_dir())
        how = (
            f"增量：重建 {result.built_pages} 个页面，沿用 {result.linked_files} 个文件"
            if result.incremental
            else f"全量：{result.built_pages or result.pages} 个页面"
            + (f"，{result.shards} 个 mkdocs 进程并行" if result.shards > 1 else "")
        )
        say(
            f"构建：{result.files} 个文件，{result.output_bytes / 1_048_576:.1f} MB → {out_dir}"
            f"（{how}；{result.timings['build']:.2f} 秒）"
        )
        if result.search_index:
            found = result.search_index
            reused = f"，沿用未变的 {'、'.join(found.reused)}" if found.reused else ""
            reused += f"，在原索引上更新 {'、'.join(found.patched)}" if found.patched else ""
            say(
                f"搜索索引：{found.pages} 个页面（目标责任书 {found.bundles.get(BUNDLES[1], 0)} 个另成索引），"
                f"{found.files} 个文件，{found.bytes / 1_048_576:.1f} MB"
                f"（Pagefind，{found.seconds:.2f} 秒，计入构建时间{reused}）"
            )
        if result.ledgers:
            stats = result.ledgers
            say(
                f"台账：{stats.files} 个文件，{stats.bytes / 1_048_576:.1f} MB，与构建同时在另一进程中写入"
                f"（{stats.seconds:.2f} 秒，CPU {stats.cpu_seconds:.2f} 秒；构建完成后等待 {stats.waited:.2f} 秒）"
            )
    return result
