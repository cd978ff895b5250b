"""The YAML front matter every generated page starts with.

One writer for the document, index and unit pages, so titles are escaped
the same way everywhere (see :func:`front_matter`).
"""

from __future__ import annotations

import json
import re

from cms.core.markdown import escape_html

_YAML_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar for any text (JSON escapes, plus what YAML forbids raw)."""
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def front_matter(
    *,
    title: str | None = None,
    lastmod: str | None = None,
    search: str | None = None,
    article: dict[str, str] | None = None,
) -> str:
    """YAML front matter: page title, sitemap date and search scope (see export/search_index.py).

    ``title`` is set explicitly, HTML-escaped: without it MkDocs takes the
    title from the ``# heading`` and Material prints it into ``<title>``
    through ``striptags``, which *unescapes* entities, so a title typed as
    ``</title><script>…`` would become markup.  ``page.meta.title`` is
    printed as is, so the escaped form stays literal text.
    ``search``: ``"document"`` (the whole text is indexed) or ``"summary"``
    (a unit page: its name and summary, not the documents' rows it repeats);
    other pages are left out of the index so a query lands on a document.
    ``article``: a document's PubDate and ContentSource (政府网站 meta tags)
    and, below a notice, the notice it belongs to (shown in search results).
    """
    lines = []
    if title is not None:
        lines.append(f"title: {_yaml_string(escape_html(' '.join(title.split())))}")
    if lastmod:
        lines.append(f'lastmod: "{lastmod[:10]}"')
    if search:
        lines.append(f"pagefind: {search}")
    for key, value in (article or {}).items():
        lines.append(f"{key}: {_yaml_string(escape_html(value))}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" if lines else ""
