"""The site's search index: Pagefind run over the built HTML before the swap.

Why Pagefind and not Material's lunr search: lunr's index is one JSON file
that every page downloads on load (3.2 MB at 100 notices, 32 MB at 1,000),
whether or not the reader searches.  Pagefind splits the index into small
gzip chunks by word and the page texts into one fragment per page; a query
fetches the chunks for its words and the fragments of the results it shows,
and nothing at all is fetched until the reader uses the search box
(``site_src/assets/gk-search.js``).  The ``extended`` build segments Chinese
text into words at index time and in the browser.

What is indexed is decided in the pages themselves (``data-pagefind-body``
on the article of documents and unit pages, only the summary of a unit
page, see export/mkdocs_hooks.py); listing pages, downloads and the 404
have no body and are left out, so an exact task term or 文号 lands on a
document, a unit's name on the unit.

**Two bundles** (issue 15: a first query under 300 KB at 1,000 notices).
A query fetches, per word, the list of every page holding it with every
position, and the metadata's list of all pages.  More than half of the
pages are 目标责任书 (one per town per notice), whose text mostly repeats
their notice: they made the commonest words' lists (安全, 隐患, 消防) and the
page list twice as long.  So the letters get a bundle of their own,
``pagefind-letters/`` (``LETTERS_DIR``), and the notices, attachments and
unit pages stay in ``pagefind/`` (``BUNDLE_DIR``).  A first query only uses
the main bundle; the letter bundle is loaded when the reader asks for more
results (显示更多结果) after the main ones are all shown, so **letters rank
after every notice, attachment and unit page** of a query.  A site without
letters gets a stand-in ``pagefind-letters/pagefind.js`` that finds nothing
(Pagefind refuses to build an empty bundle), so the page never asks for a
file that is not there.  Which pages are letters the exporter knows from
the render (``SearchPlan.letters``); Pagefind is given a folder of hard
links to one bundle's pages (``--site``) and writes into the site
(``--output-path``), so the result URLs are the pages' own.

Run as the ``pagefind_extended`` binary from the ``pagefind-bin-extended``
wheel, in a subprocess (``python -m pagefind_bin_extended``), rather than
through the ``pagefind`` Python API: that API is asyncio over the same
binary, and a subprocess keeps a crash or a hang out of the exporter, as
for ``mkdocs build``.  Pagefind has no partial mode.  In an incremental
export a bundle none of whose pages changed is hard-linked whole from the
live site (``SearchPlan.reuse``, decided by :func:`bundle_keys` in
export/build.py; most edits touch a notice or an attachment, not the 5,000
letters), and a bundle with changed pages is the live one patched:
Pagefind indexes only the pages built now and export/search_patch.py
merges them in, to the bytes a full index would have (issue 17: 9–10 s of
a one-notice publish at 1,000 notices was indexing 4,150 pages again).
A full export, or a bundle the patch cannot reproduce, is indexed from
all its pages.

Repeated chrome is kept out of the index (``EXCLUDED``), the word index
is re-cut into small chunks and the page fragments get short names
afterwards (export/search_chunks.py): all so that the first query of a
reader fetches little at 1,000 notices.

The output is deterministic for the same pages (file names are hashes of
their contents, pages are read in sorted order); ``tests/export/
test_incremental.py`` compares it byte for byte with a full export.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .children import die_with_parent
from .incremental import ReuseFailed, digest, link_files
from .search_chunks import rechunk
from .search_patch import LiveBundles, PatchRefused, patch_bundle

BUNDLE_DIR = "pagefind"  # notices, attachments, unit pages: what a first query searches
LETTERS_DIR = "pagefind-letters"  # 目标责任书: loaded only when the reader asks for more
BUNDLES = (BUNDLE_DIR, LETTERS_DIR)
# The language of the whole site: one index, Chinese segmentation for every page.
LANGUAGE = "zh-cn"
# Only these folders hold indexed pages; the others are not even looked at.
FOLDERS = ("notices", "units")
GLOB = "**/*.html"
BINARY_MODULE = "pagefind_bin_extended"
BINARY_PACKAGE = "pagefind_bin_extended"
# Text every document repeats, kept out of the index (issue 15: the bytes of a first query at
# 1,000 notices).  A query fetches, per word, the list of every page holding it with every
# position; this chrome put the commonest words (the notice's title and 文号, the units'
# names, column labels) into every page many times over, and made an attachment outrank
# its own notice for the notice's 文号.  What a result shows is unchanged: its title and
# notice come from the page's metadata (export/mkdocs_hooks.py), its snippet from the text.
EXCLUDED = (
    ".attachment-of",  # the notice an attachment or letter belongs to (its 文号 too): metadata
    ".downloads",  # the ledger download links at the foot of every document
    ".issuer-mark",  # the printed 版头 "…文件", hidden from screen readers already
    ".gk-meta tr:nth-child(n+4)",  # 成文日期 … 有效性: labels and dates; 索引号, 机关, 文号 stay
    ".task-list thead",  # the column labels of every task table
    ".task-list .card-only",  # the phone cards' copy of a merged 专题 cell
    '.task-list td[data-label="责任单位"]',  # every row's units: a unit's name finds its own page
    ".unit-counts",  # a unit page's "涉及…份公开文件，共…项：目标责任书…项": the kinds' names, not the unit's
)
# Pagefind's ready-made UIs and its highlighter: the site uses its own box (assets/gk-search.js),
# so these would only be files nobody fetches.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
TIMEOUT_SECONDS = 1800
# A site without letters: Pagefind's interface, finding nothing (see the module docstring).
EMPTY_BUNDLE_SCRIPT = (
    "// No 目标责任书 on this site: a stand-in for Pagefind's script that finds nothing"
    " (export/search_index.py).\n"
    "export async function options() {}\n"
    "export async function init() {}\n"
    "export async function search() {\n  return { results: [] };\n}\n"
)


class SearchIndexError(Exception):
    """Pagefind failed or is missing; the message is for the editor, in Chinese."""


@dataclass
class SearchPlan:
    """Which pages go to the letter bundle, and which bundles the live site has unchanged."""

    letters: frozenset[str] = frozenset()  # site paths of the 目标责任书 pages
    previous: Path | None = None  # the live site, where a reused bundle is linked from
    reuse: frozenset[str] = frozenset()  # bundle folders (``BUNDLES``) whose pages did not change
    # Site paths hard-linked unchanged from the live site (incremental); a bundle with changed pages is
    # then patched from the live one (export/search_patch.py).  None: index every changed bundle in full.
    linked: frozenset[str] | None = None
    live: LiveBundles | None = None  # the live bundles to patch, read while MkDocs runs
    # Called before the second bundle's Pagefind is started beside the first: the export waits there
    # for its ledger process, so no more than two of the three big children run at once (issue 17:
    # the ledger process and both Pagefind runs together took a full export to 2.4 GB at 1,000 notices).
    second_bundle_gate: Callable[[], object] | None = None


@dataclass
class SearchIndexStats:
    pages: int
    files: int
    bytes: int
    seconds: float
    rechunked: bool = False  # the word index re-cut into small chunks (export/search_chunks.py)
    # Bundle folder → pages in it; and the bundles linked from the live site instead of indexed.
    bundles: dict[str, int] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)
    patched: list[str] = field(default_factory=list)  # live bundles patched with the pages built now


def command(site_dir: Path, output: Path | None = None) -> list[str]:
    """Pagefind over the pages in ``site_dir`` (a folder of links), writing the bundle to ``output``."""
    return [
        sys.executable,
        "-m",
        BINARY_MODULE,
        "--site",
        str(site_dir),
        "--output-path",
        str(output or site_dir / BUNDLE_DIR),
        "--force-language",
        LANGUAGE,
        "--glob",
        GLOB,
        "--exclude-selectors",
        ", ".join(EXCLUDED),
    ]


def bundle_keys(pages: dict[str, str], letters: Iterable[str]) -> dict[str, str]:
    """Bundle folder → digest of what decides its bytes: its candidate pages' Markdown digests.

    ``pages``: docs path → digest of its Markdown (export/incremental.py);
    ``letters``: docs paths of the letters.  Every page under ``FOLDERS``
    counts (also those without a search body: cheap to include, never
    wrong).  With the fingerprint unchanged (same code, theme and config, so
    the same HTML for the same Markdown: the premise of the incremental
    build) and the Pagefind version, equal keys mean a bundle built from the
    same pages.  A page that is gone changes the key: a letter that stopped
    being public leaves its bundle on the next export.
    """
    letter_set = set(letters)
    try:
        version = metadata.version(BINARY_PACKAGE)
    except metadata.PackageNotFoundError:
        version = "missing"
    keys = {}
    for bundle in BUNDLES:
        wanted = bundle == LETTERS_DIR
        chosen = sorted(
            (path, value)
            for path, value in pages.items()
            if path.split("/", 1)[0] in FOLDERS and (path in letter_set) == wanted
        )
        data = json.dumps([version, bundle, chosen], ensure_ascii=False, separators=(",", ":"))
        keys[bundle] = digest(data)
    return keys


def indexed_pages(site_dir: Path) -> list[str]:
    """Site paths of every page Pagefind may index, sorted."""
    found = []
    for folder in FOLDERS:
        root = site_dir / folder
        if root.is_dir():
            found += [path.relative_to(site_dir).as_posix() for path in root.rglob("*.html") if path.is_file()]
    return sorted(found)


def _page_count(bundle: Path) -> int:
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(info.get("page_count", 0)) for info in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 0


def _view(site_dir: Path, pages: list[str], name: str) -> Path:
    """A folder of hard links to ``pages``, at their site paths: what one Pagefind run reads."""
    view = Path(tempfile.mkdtemp(prefix=f".search-{name}-", dir=site_dir.parent))
    link_files(site_dir, view, pages)
    return view


def _run(view: Path, bundle: Path) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            command(view, bundle),
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT_SECONDS,
            env={**os.environ, "NO_COLOR": "1"},
            preexec_fn=die_with_parent(os.getpid()),
        )
    except subprocess.TimeoutExpired as error:
        raise SearchIndexError(f"生成搜索索引超时（超过 {TIMEOUT_SECONDS} 秒）。") from error
    output = (result.stdout or "") + "\n" + (result.stderr or "")
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        excerpt = "\n".join(line for line in output.splitlines() if line.strip())[-1500:]
        raise SearchIndexError(f"生成搜索索引失败（pagefind 退出码 {result.returncode}）：\n{excerpt}")


def _index(site_dir: Path, bundle: Path, pages: list[str]) -> bool:
    """Write one bundle from ``pages``; True when its word index was re-cut."""
    bundle.mkdir()
    if not pages:
        (bundle / "pagefind.js").write_text(EMPTY_BUNDLE_SCRIPT, encoding="utf-8")
        return False
    view = _view(site_dir, pages, bundle.name)
    try:
        _run(view, bundle)
    finally:
        shutil.rmtree(view, ignore_errors=True)
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return rechunk(bundle)


def _patched(site_dir: Path, bundle: Path, pages: list[str], plan: SearchPlan) -> bool:
    """Write ``bundle`` by patching the live site's (export/search_patch.py); False when it cannot be."""
    if plan.previous is None or plan.linked is None or not pages:
        return False
    try:
        live = plan.live or LiveBundles(plan.previous, [])
        patch_bundle(site_dir, bundle, pages, live, plan.linked, _run)
    except (PatchRefused, SearchIndexError):  # indexed in full instead, which reports a real failure
        shutil.rmtree(bundle, ignore_errors=True)
        return False
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return True


def _link_bundle(previous: Path, bundle: Path) -> bool:
    """Hard-link the live site's copy of a bundle (its ``.gz`` too); False when it has none."""
    source = previous / bundle.name
    if not (source / "pagefind.js").is_file():
        return False
    files = [path.relative_to(previous).as_posix() for path in sorted(source.rglob("*")) if path.is_file()]
    try:
        link_files(previous, bundle.parent, files)
    except (OSError, ReuseFailed):
        shutil.rmtree(bundle, ignore_errors=True)
        return False
    return True


def _bundle(site_dir: Path, name: str, pages: list[str], plan: SearchPlan) -> tuple[str, bool]:
    """Write one bundle: ("reused" | "patched" | "indexed", whether its word index was re-cut)."""
    bundle = site_dir / name
    if bundle.exists():  # never write into a tree that may share inodes with the live site
        shutil.rmtree(bundle)
    if name in plan.reuse and plan.previous is not None and _link_bundle(plan.previous, bundle):
        return "reused", True
    if _patched(site_dir, bundle, pages, plan):
        return "patched", True
    return "indexed", _index(site_dir, bundle, pages)


def build_search_index(site_dir: Path, plan: SearchPlan | None = None) -> SearchIndexStats:
    """Write both bundles into ``site_dir`` from the built pages; raise :class:`SearchIndexError` when that fails."""
    if importlib.util.find_spec(BINARY_MODULE) is None:
        raise SearchIndexError("缺少搜索索引工具 pagefind[extended]：请按 requirements/lock.txt 安装依赖后重新导出。")
    plan = plan or SearchPlan()
    started = time.perf_counter()
    stats = SearchIndexStats(pages=0, files=0, bytes=0, seconds=0.0, rechunked=True)
    pages = indexed_pages(site_dir)
    chosen = {
        BUNDLE_DIR: [page for page in pages if page not in plan.letters],
        LETTERS_DIR: [page for page in pages if page in plan.letters],
    }
    # Both bundles at once: each Pagefind keeps about one and a half cores busy, and their re-cuts
    # (Python) overlap the other's indexing (issue 17: 22 s one after the other at 1,000 notices).
    with ThreadPoolExecutor(max_workers=len(BUNDLES)) as pool:
        outcomes: list[Future[tuple[str, bool]]] = []
        for name in BUNDLES:
            if outcomes and plan.second_bundle_gate is not None:
                plan.second_bundle_gate()
            outcomes.append(pool.submit(_bundle, site_dir, name, chosen[name], plan))
        made = [outcome.result() for outcome in outcomes]
    for name, (how, rechunked) in zip(BUNDLES, made, strict=True):
        if how == "reused":
            stats.reused.append(name)
        elif how == "patched":
            stats.patched.append(name)
        elif not rechunked and chosen[name]:
            stats.rechunked = False
        bundle = site_dir / name
        stats.bundles[name] = _page_count(bundle)
        files = [path for path in bundle.rglob("*") if path.is_file() and path.suffix != ".gz"]
        stats.files += len(files)
        stats.bytes += sum(path.stat().st_size for path in files)
    stats.pages = sum(stats.bundles.values())
    stats.seconds = time.perf_counter() - started
    return stats
