"""MkDocs hooks for the public site (``hooks:`` in mkdocs.yml).

Loaded by MkDocs itself, in the ``mkdocs build`` subprocess, so this module
imports nothing from Django.  Three jobs:

* **Deterministic sitemap.**  MkDocs stamps every page with the build date.
  Generated pages carry ``lastmod`` in their front matter (the page's last
  publication); the sitemap uses it, and the ``.gz`` header time follows
  (MkDocs takes the newest page date).  Pages without it fall back to
  ``SOURCE_DATE_EPOCH``, which the exporter sets from the snapshot.
* **A search index fit for a phone.**  Material writes ``search_index.json``
  with every Chinese character as a six-byte ``\\uXXXX`` escape; it is
  rewritten as UTF-8 (half the bytes).  Pages whose front matter says
  ``search_sections: false`` (the unit pages, which repeat every task of the
  documents they summarise) keep only their first entry (title and
  summary), so a unit is found by name without indexing the documents twice.
* **No external request, ever.**  The public may be on a filtered network
  (DESIGN.md).  Material's bundle can load two scripts from unpkg.com: a
  ResizeObserver polyfill (old phone browsers) and mermaid (diagrams, which
  this site never has).  ``site_src/overrides/main.html`` provides a local
  ResizeObserver shim so the first branch is never taken; here both URLs are
  replaced by an empty ``data:`` script so no build output names a foreign
  host.  Source maps (not needed by readers, full of upstream URLs) are
  dropped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

# A quoted absolute URL on a CDN inside the theme's JavaScript.
_CDN_URL = re.compile(r"""(["'`])https?://(?:unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com)/[^"'`]*\1""")
_SOURCE_MAP_COMMENT = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")
_EMPTY_SCRIPT = "data:text/javascript,"


# URLs of pages indexed by their first section only; filled per build.
_SUMMARY_ONLY: set[str] = set()


def on_config(config: Any) -> None:
    _SUMMARY_ONLY.clear()


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    lastmod = page.meta.get("lastmod")
    if lastmod:
        page.update_date = str(lastmod)[:10]
    if page.meta.get("search_sections") is False:
        _SUMMARY_ONLY.add(page.url)
    return markdown


def compact_search_index(path: Path, summary_only: set[str]) -> None:
    """Drop section entries of summary-only pages; write UTF-8 instead of ``\\u`` escapes."""
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"] = [
        doc
        for doc in index.get("docs", [])
        if not ("#" in doc.get("location", "") and doc["location"].split("#", 1)[0] in summary_only)
    ]
    path.write_text(dump_search_index(index), encoding="utf-8")


def dump_search_index(index: dict[str, Any]) -> str:
    """The index as written to the site (also by the exporter when it merges partial builds' indexes)."""
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(*, config: Any) -> None:
    compact_search_index(Path(config["site_dir"]) / "search" / "search_index.json", _SUMMARY_ONLY)
    assets = Path(config["site_dir"]) / "assets"
    for source_map in sorted(assets.rglob("*.map")):
        source_map.unlink()
    for script in sorted(assets.rglob("*.js")):
        text = script.read_text(encoding="utf-8")
        cleaned = _CDN_URL.sub(lambda m: f"{m.group(1)}{_EMPTY_SCRIPT}{m.group(1)}", text)
        cleaned = _SOURCE_MAP_COMMENT.sub("\n", cleaned)
        if cleaned != text:
            script.write_text(cleaned, encoding="utf-8")
