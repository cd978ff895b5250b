"""MkDocs hooks for the public site (``hooks:`` in mkdocs.yml).

Loaded by MkDocs itself, in the ``mkdocs build`` subprocess, so this module
imports nothing from Django.  Three jobs:

* **Deterministic sitemap.**  MkDocs stamps every page with the build date.
  Generated pages carry ``lastmod`` in their front matter (the page's last
  publication); the sitemap uses it, and the ``.gz`` header time follows
  (MkDocs takes the newest page date).  Pages without it fall back to
  ``SOURCE_DATE_EPOCH``, which the exporter sets from the snapshot.
* **What search indexes.**  Pagefind (export/search_index.py) reads the
  built HTML.  A unit page (front matter ``pagefind: summary``) repeats the
  rows of the documents it summarises; everything after its summary is
  marked ``data-pagefind-ignore`` so a task term finds the document, and the
  unit is still found by its name.  The article of every page with a
  ``pagefind`` front matter key (documents and units) becomes the
  ``data-pagefind-body``, with its title and the notice it belongs to as
  Pagefind metadata (shown in the results); the attribute goes on the
  article itself, because a wrapper would break the print layout's
  ``.md-content__inner > …`` rules.  Pages without a body are not indexed.
* **No external request, ever.**  The public may be on a filtered network
  (DESIGN.md).  Material's bundle can load two scripts from unpkg.com: a
  ResizeObserver polyfill (old phone browsers) and mermaid (diagrams, which
  this site never has).  ``site_src/overrides/main.html`` provides a local
  ResizeObserver shim so the first branch is never taken; here both URLs are
  replaced by an empty ``data:`` script so no build output names a foreign
  host.  Source maps (not needed by readers, full of upstream URLs) are
  dropped.
* **政府网站 identity.**  ``site-identity.json`` (written by
  :mod:`export.portal` from the admin's 网站标识) becomes
  ``config.extra.identity`` for the footer and the ``<meta>`` tags, gives
  the sitemap its base URL when the export was not given one, and is left
  out of the output.  Each page learns its column (ColumnName/ColumnType)
  from its folder; ``robots.txt`` points at the sitemap.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# A quoted absolute URL on a CDN inside the theme's JavaScript.
_CDN_URL = re.compile(r"""(["'`])https?://(?:unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com)/[^"'`]*\1""")
_SOURCE_MAP_COMMENT = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")
_EMPTY_SCRIPT = "data:text/javascript,"


IDENTITY_FILE = "site-identity.json"
SITE_MAP_PAGE = "site-map.md"
COLUMN_TYPE = "政务公开"
# First folder of a page → its column (栏目) in the 政府网站 sense.
COLUMNS = {
    "notices": "目标责任文件",
    "years": "按年度",
    "issuers": "按发文机关",
    "units": "按责任单位",
    "topics": "按主题",
    "downloads.md": "台账下载",
    SITE_MAP_PAGE: "网站地图",
    "search.md": "搜索",
}


def load_identity(docs_dir: Path) -> dict[str, str]:
    """The site identity written by the export, with SiteDomain derived from the site address."""
    path = docs_dir / IDENTITY_FILE
    identity = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    identity.setdefault("site_name", "")
    identity["site_domain"] = urlsplit(identity.get("site_url") or "").hostname or ""
    return identity


def column_of(src_uri: str) -> str:
    """The column a page belongs to ("" for the home page)."""
    return COLUMNS.get(src_uri.split("/", 1)[0], "")


def on_config(config: Any) -> Any:
    identity = load_identity(Path(config["docs_dir"]))
    config["extra"]["identity"] = identity
    if not config.get("site_url") and identity.get("site_url"):
        url = identity["site_url"]
        config["site_url"] = url if url.endswith("/") else url + "/"
    return config


def on_files(files: Any, *, config: Any) -> Any:
    identity = files.get_file_from_path(IDENTITY_FILE)
    if identity is not None:
        files.remove(identity)
    return files


_THEAD = re.compile(r"<thead>.*?</thead>", re.S)
_TH_WITHOUT_SCOPE = re.compile(r"<th(?=[\s>])(?![^>]*\sscope=)")


def scope_headers(html: str) -> str:
    """Every ``<th>`` gets a scope: ``col`` in a table head, ``row`` elsewhere (WCAG 1.3.1).

    The document blocks set it themselves; this covers the tables written
    as plain HTML by the page renderers (信息公开 metadata, unit summaries).
    """
    if "<th" not in html:
        return html
    parts, last = [], 0
    for head in _THEAD.finditer(html):
        parts.append(_TH_WITHOUT_SCOPE.sub('<th scope="row"', html[last : head.start()]))
        parts.append(_TH_WITHOUT_SCOPE.sub('<th scope="col"', head.group()))
        last = head.end()
    parts.append(_TH_WITHOUT_SCOPE.sub('<th scope="row"', html[last:]))
    return "".join(parts)


# Tables that may scroll sideways: focusable, so a keyboard can scroll them (WCAG 2.1.1).
_SCROLLING_TABLE = re.compile(r'<table class="((?:task-list|indicator-table|generic-table)[^"]*)">')


def summary_only(html: str) -> str:
    """Everything from the first table on kept out of the search index (a unit page's rows)."""
    start = html.find("<table")
    if start < 0:
        return html
    return f'{html[:start]}<div data-pagefind-ignore="all">\n{html[start:]}</div>\n'


def on_page_content(html: str, *, page: Any, config: Any, files: Any) -> str:
    html = _SCROLLING_TABLE.sub(r'<table class="\1" tabindex="0">', html)
    if page.meta.get("pagefind") == "summary":
        html = summary_only(html)
    return scope_headers(html)


_ARTICLE = '<article class="md-content__inner md-typeset">'


def search_body(output: str, title: str, notice_title: str | None) -> str:
    """The page's article marked as Pagefind's body, its title (and notice) as metadata.

    ``title`` and ``notice_title`` come from the front matter, already
    HTML-escaped by the exporter (export/front_matter.py), so they go into the
    attribute as they are.
    """
    marks = f'<span hidden data-pagefind-meta="title[data-value]" data-value="{title}"></span>'
    if notice_title:
        marks += f'<span hidden data-pagefind-meta="notice[data-value]" data-value="{notice_title}"></span>'
    return output.replace(_ARTICLE, f"{_ARTICLE[:-1]} data-pagefind-body>{marks}", 1)


def on_post_page(output: str, *, page: Any, config: Any) -> str:
    if not page.meta.get("pagefind"):
        return output
    return search_body(output, str(page.meta.get("title") or ""), page.meta.get("notice_title"))


def robots_txt(site_url: str | None) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    lastmod = page.meta.get("lastmod")
    if lastmod:
        page.update_date = str(lastmod)[:10]
    column = column_of(page.file.src_uri)
    if column:
        page.meta.setdefault("column", column)
        page.meta.setdefault("column_type", COLUMN_TYPE)
    return markdown


def on_post_build(*, config: Any) -> None:
    (Path(config["site_dir"]) / "robots.txt").write_text(robots_txt(config.get("site_url")), encoding="utf-8")
    assets = Path(config["site_dir"]) / "assets"
    for source_map in sorted(assets.rglob("*.map")):
        source_map.unlink()
    for script in sorted(assets.rglob("*.js")):
        text = script.read_text(encoding="utf-8")
        cleaned = _CDN_URL.sub(lambda m: f"{m.group(1)}{_EMPTY_SCRIPT}{m.group(1)}", text)
        cleaned = _SOURCE_MAP_COMMENT.sub("\n", cleaned)
        if cleaned != text:
            script.write_text(cleaned, encoding="utf-8")
