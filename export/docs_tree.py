"""Step 2 of an export: the site's Markdown tree, written beside the old one and swapped in.

Why a module of its own: the render is the one step that turns the
snapshot into files, and what makes an incremental export cheap lives
here: notices' pages come from the render cache when their inputs are
unchanged (:mod:`export.render_cache`), and a page whose Markdown is the
same as in the previous tree is hard-linked from it instead of written.
:mod:`export.build` decides the order of the steps; this module only
writes ``<src>/docs``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .downloads import Ledger, ledgers, sized_files
from .incremental import digest
from .mkdocs_run import hand_written
from .outdir import remove_stale, replace_dir
from .pages import build_pages
from .render_cache import RenderCache
from .site import Site
from .tree import walk

DOCS_DIRNAME = "docs"
ASSETS_DIRNAME = "assets"
HOME_TEXT = "home.md"


@dataclass
class RenderResult:
    docs_dir: Path
    pages: int
    units: int
    documents: int
    ledgers: list[Ledger] = field(default_factory=list)
    # docs path → digest of its Markdown, and → its size (to balance shards).
    digests: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    # Site path of each page that shows a download's size → those download files (export/finish.py).
    sized: dict[str, frozenset[str]] = field(default_factory=dict)
    # Docs paths of the 目标责任书 pages: their own search bundle (export/search_index.py).
    letters: frozenset[str] = frozenset()
    # The previous docs tree, moved aside (``render_docs(remove_old=False)``): the caller removes it.
    old_docs: Path | None = None


def render_docs(
    snapshot: dict[str, Any],
    src_dir: Path,
    site: Site | None = None,
    items: list[Ledger] | None = None,
    cache: RenderCache | None = None,
    remove_old: bool = True,
) -> RenderResult:
    """Write the site's Markdown and assets, then swap them into ``<src>/docs``.

    ``site`` and ``items`` (its ledgers): when the caller has them already;
    ``cache``: notices' pages kept from the previous export (export/render_cache.py).
    ``remove_old`` False: the previous docs tree is left for the caller to
    remove (:attr:`RenderResult.old_docs`), after the site is live.
    """
    src_dir.mkdir(parents=True, exist_ok=True)
    target = src_dir / DOCS_DIRNAME
    remove_stale(target)
    home = hand_written(src_dir, HOME_TEXT)
    home_text = home.read_text(encoding="utf-8") if home.is_file() else ""
    if site is None:
        site = Site.from_snapshot(snapshot)
    if items is None:
        items = ledgers(site)
    pages = build_pages(snapshot, home_text=home_text, site=site, ledger_items=items, cache=cache)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.render-", dir=src_dir))
    digests: dict[str, str] = {}
    sizes: dict[str, int] = {}
    sized: dict[str, frozenset[str]] = {}
    made: set[Path] = set()
    try:
        for page in pages:
            path = tmp / page.path
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            data = page.text.encode("utf-8")
            if not _link_if_same(target / page.path, path, data):
                path.write_bytes(data)
            digests[page.path], sizes[page.path] = digest(data), len(data)
            shown = sized_files(page.text)
            if shown:
                sized[site_path(page.path)] = shown
        assets = hand_written(src_dir, ASSETS_DIRNAME)
        if assets.is_dir():
            _copy_files(assets, tmp / ASSETS_DIRNAME)
        old_docs = replace_dir(tmp, target, remove_old=remove_old)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    documents = sum(1 for _ in walk(site.notices))
    letters = frozenset(page.path for page in walk(site.notices) if page.kind == "letter")
    return RenderResult(target, len(pages), len(site.units), documents, items, digests, sizes, sized, letters, old_docs)


def _copy_files(source: Path, target: Path) -> None:
    """Copy a tree file by file; a full disk raises its own OSError (ENOSPC).

    Why not ``shutil.copytree``: it gathers every failure into one
    ``shutil.Error`` without an errno, so a full disk would not be explained
    as one (export/outdir.py's ``disk_space``).
    """
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def _link_if_same(previous: Path, path: Path, data: bytes) -> bool:
    """Hard-link the previous render's file to ``path`` when it holds exactly ``data``.

    Why: on this disk (ext4 mounted with ``discard``) removing the previous
    docs tree cost up to 25 s at 1,000 notices under load when each of its
    9,000 files had to be freed; linked files are only unlinked.  The bytes
    are compared, so nothing but the same Markdown is ever reused; nothing
    writes a docs file in place (every render writes a new tree).
    """
    try:
        if previous.stat().st_size != len(data) or previous.read_bytes() != data:
            return False
        os.link(previous, path)
    except OSError:
        return False
    return True


def site_path(docs_path: str) -> str:
    """Where MkDocs writes a page (``use_directory_urls: false``): ``notices/a.md`` → ``notices/a.html``."""
    return docs_path.removesuffix(".md") + ".html"
