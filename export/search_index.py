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

Run as the ``pagefind_extended`` binary from the ``pagefind-bin-extended``
wheel, in a subprocess (``python -m pagefind_bin_extended``), rather than
through the ``pagefind`` Python API: that API is asyncio over the same
binary, and a subprocess keeps a crash or a hang out of the exporter, as
for ``mkdocs build``.  The whole built tree is indexed on every export,
incremental ones too: Pagefind has no partial mode, and re-indexing costs
about a second per hundred notices (see benchmarks/bench_export.py).

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
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .children import die_with_parent
from .search_chunks import rechunk

BUNDLE_DIR = "pagefind"
# The language of the whole site: one index, Chinese segmentation for every page.
LANGUAGE = "zh-cn"
# Only these folders hold indexed pages; the others are not even parsed.
GLOB = "{notices,units}/**/*.html"
BINARY_MODULE = "pagefind_bin_extended"
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


class SearchIndexError(Exception):
    """Pagefind failed or is missing; the message is for the editor, in Chinese."""


@dataclass
class SearchIndexStats:
    pages: int
    files: int
    bytes: int
    seconds: float
    rechunked: bool = False  # the word index re-cut into small chunks (export/search_chunks.py)


def command(site_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        BINARY_MODULE,
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE_DIR,
        "--force-language",
        LANGUAGE,
        "--glob",
        GLOB,
        "--exclude-selectors",
        ", ".join(EXCLUDED),
    ]


def _indexed_pages(output: str) -> int:
    """The "Indexed N pages" count from Pagefind's log, 0 when it says nothing."""
    for line in output.splitlines():
        words = line.strip().split()
        if len(words) >= 3 and words[0] == "Indexed" and words[2] == "pages" and words[1].isdigit():
            return int(words[1])
    return 0


def build_search_index(site_dir: Path) -> SearchIndexStats:
    """Write ``<site>/pagefind/`` from the built pages; raise :class:`SearchIndexError` when that fails."""
    if importlib.util.find_spec(BINARY_MODULE) is None:
        raise SearchIndexError("缺少搜索索引工具 pagefind[extended]：请按 requirements/lock.txt 安装依赖后重新导出。")
    bundle = site_dir / BUNDLE_DIR
    if bundle.exists():  # never write into a tree that may share inodes with the live site
        shutil.rmtree(bundle)
    started = time.perf_counter()
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            command(site_dir),
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT_SECONDS,
            env={**os.environ, "NO_COLOR": "1"},
            preexec_fn=die_with_parent(os.getpid()),
        )
    except subprocess.TimeoutExpired as error:
        raise SearchIndexError(f"生成搜索索引超时（超过 {TIMEOUT_SECONDS} 秒）。") from error
    seconds = time.perf_counter() - started
    output = (result.stdout or "") + "\n" + (result.stderr or "")
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        excerpt = "\n".join(line for line in output.splitlines() if line.strip())[-1500:]
        raise SearchIndexError(f"生成搜索索引失败（pagefind 退出码 {result.returncode}）：\n{excerpt}")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    rechunked = rechunk(bundle)
    files = [path for path in bundle.rglob("*") if path.is_file()]
    return SearchIndexStats(
        pages=_indexed_pages(output),
        files=len(files),
        bytes=sum(path.stat().st_size for path in files),
        seconds=seconds,
        rechunked=rechunked,
    )
