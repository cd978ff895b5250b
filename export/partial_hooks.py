"""MkDocs hooks that build only some of the pages (``hooks:`` added by export/build.py).

Why: an incremental export rebuilds only the pages whose Markdown changed,
and a full export splits the pages between two ``mkdocs build`` processes
(one per core).  MkDocs has no API to build a subset while keeping the rest
of the site in view (``--dirty`` decides by file time and counts as a
warning under ``--strict``), so this hook replaces MkDocs' two per-page
steps with versions that skip pages outside the plan.

Every page still takes part in everything that is not its own HTML: its file
is in ``files`` (links to it are checked), its front matter is read and the
``on_page_markdown`` hooks run, so its ``update_date`` (sitemap) and title
are the same as in a full build.  A plan with ``"static": false`` (every
shard but the first) also leaves the theme's static files uncopied: the
first shard's copy is the one kept, and a second copy only costs disk.  Only Markdown → HTML, the template and the
search entries are skipped; the exporter takes those from the previous site
(or from the other shard) and merges the search index in page order.

Loaded by MkDocs in the ``mkdocs build`` subprocess: imports nothing from
Django or the project.  Does nothing unless ``EXPORT_PARTIAL_PLAN`` names a
plan: ``{"build": [src_uri, ...], "report": path, "static": bool}``.  After the build the
report lists every page's URL in build order and the ones built here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.utils import meta

PLAN_VARIABLE = "EXPORT_PARTIAL_PLAN"
# The page attribute export/raw_html_hooks.py keeps a page's set-aside HTML in (not imported: hooks load by path).
RAW_HTML_STASH = "_gk_raw_html"
# Tells export/raw_html_hooks.py the page is not rendered here, so it sets nothing aside (at 1,000
# notices that was 40% of an incremental export's MkDocs step).
NOT_RENDERED = "_gk_not_rendered"

_state: dict[str, Any] = {"build": None, "report": None, "built": [], "static": True}
_ORIGINAL: dict[str, Callable[..., None]] = {"populate": mkdocs_build._populate_page, "build": mkdocs_build._build_page}


def _populate_page(page: Any, config: Any, files: Any, dirty: bool = False) -> None:
    if page.file.src_uri in _state["build"]:
        _ORIGINAL["populate"](page, config, files, dirty)
        return
    # Not built here: front matter and on_page_markdown only (title, sitemap date), no HTML.
    config._current_page = page
    setattr(page, NOT_RENDERED, True)
    try:
        _read_front_matter(page, config)
        config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        page.markdown = ""  # the text is not needed any more; thousands of pages add up
        vars(page).pop(RAW_HTML_STASH, None)  # nor the blocks export/raw_html_hooks.py set aside for rendering
    finally:
        config._current_page = None


# Enough for the front matter the exporter writes (title, dates, search scope: a few hundred characters).
HEAD_CHARACTERS = 4096


def _read_front_matter(page: Any, config: Any) -> None:
    """``page.read_source`` for a page not built here: its front matter, not the Markdown below it.

    Why: the title and the sitemap date are all such a page contributes, and
    reading all 9,167 other pages whole was a third of an incremental export's
    MkDocs step at 1,000 notices (the unit pages run to megabytes).  The
    front matter is parsed by MkDocs' own ``get_data``, so the meta is the
    same; a page whose front matter does not end within the head is read
    whole, as MkDocs would.  ``page.markdown`` is dropped right after anyway.
    """
    source = config.plugins.on_page_read_source(page=page, config=config)
    if source is None and page.file.abs_src_path is None:  # a file made in memory (``File.generated``)
        source = page.file.content_string
    if source is None:
        with open(page.file.abs_src_path, encoding="utf-8-sig", errors="strict") as stream:
            source = stream.read(HEAD_CHARACTERS)
            if not meta.YAML_RE.match(source):
                source += stream.read()
    page.markdown, page.meta = meta.get_data(source)


def _build_page(
    page: Any,
    config: Any,
    doc_files: Any,
    nav: Any,
    env: Any,
    dirty: bool = False,
    excluded: bool = False,
    **kwargs: Any,
) -> None:
    if page.file.src_uri in _state["build"]:
        _state["built"].append(page.file.src_uri)
        _ORIGINAL["build"](page, config, doc_files, nav, env, dirty, excluded, **kwargs)


def on_config(config: Any) -> None:
    plan_path = os.environ.get(PLAN_VARIABLE)
    if not plan_path:
        return
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    _state.update(build=frozenset(plan["build"]), report=plan["report"], built=[], static=plan.get("static", True))
    mkdocs_build._populate_page = _populate_page
    mkdocs_build._build_page = _build_page


_PAGES: list[dict[str, str]] = []


def on_files(files: Any, *, config: Any) -> Any:
    if _state["report"] and not _state["static"]:
        files.copy_static_files = lambda *args, **kwargs: None
    return files


def on_env(env: Any, *, config: Any, files: Any) -> Any:
    """Record every page (source, URL, output file) in build order, for the exporter's merge."""
    if _state["report"]:
        _PAGES.clear()
        _PAGES.extend(
            {"src": file.src_uri, "url": file.url, "dest": file.dest_uri} for file in files.documentation_pages()
        )
    return env


def on_post_build(*, config: Any) -> None:
    if _state["report"]:
        report = {"built": _state["built"], "pages": _PAGES}
        Path(_state["report"]).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
