"""Helpers that read a built site the way a visitor's browser or a crawler would.

Shared by the site tests and the benchmark's sanity checks.  Every file is
read as text after undoing the encodings that would hide a string from a
plain byte search: gzip (sitemap.xml.gz, Pagefind's index chunks and
fragments), JSON ``\\uXXXX`` escapes, HTML entities, and the zero-width
spaces Pagefind puts between the Chinese words of a fragment.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import posixpath
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "xlink:href"}
FORBIDDEN_HOSTS = (
    "fonts.googleapis.com",
    "fonts.gstatic.com",
    "cdn.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "googletagmanager.com",
    "google-analytics.com",
)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""", re.IGNORECASE)


# Pagefind's gzip files (export/search_index.py): index chunks, page fragments, metadata, wasm.
PAGEFIND_SUFFIXES = {".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter", ".pagefind"}


def site_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def readable(path: Path) -> str:
    """The file's text with gzip, JSON escapes and HTML entities undone."""
    data = path.read_bytes()
    if path.suffix == ".gz" or (path.suffix in PAGEFIND_SUFFIXES and data[:2] == b"\x1f\x8b"):
        data = gzip.decompress(data)
    if path.suffix == ".xlsx":
        # A workbook is a zip of XML parts: read every part, not the compressed bytes.
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            data = b"\n".join(book.read(name) for name in sorted(book.namelist()))
    text = data.decode("utf-8", errors="replace")
    if path.suffix == ".json":
        text = json.dumps(json.loads(text), ensure_ascii=False)
    if path.name.endswith((".ics", ".ics.gz")):
        # Calendar lines are folded at 75 octets and TEXT is escaped: a word may straddle a fold.
        text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
    if path.suffix in PAGEFIND_SUFFIXES:
        text = text.replace("\u200b", "")
    return html.unescape(text)


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in site_files(root)}


class PageParser(HTMLParser):
    """URLs, element ids, visible text and script contents of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.event_handlers: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self.title = ""
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                values = [v.strip().split(" ")[0] for v in value.split(",")] if name == "srcset" else [value]
                self.urls += [(tag, name, v.strip()) for v in values if v.strip()]
            elif name == "id":
                self.ids.add(value)
            elif name.startswith("on"):
                self.event_handlers.append((tag, name))
            elif name == "style":
                self.styles.append(value)
            elif tag == "meta" and name == "content" and "url=" in value.lower():
                self.urls.append((tag, name, value.lower().split("url=", 1)[1]))
        if tag in {"script", "style", "title"}:
            self._in.append(tag)
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "script":
            self.scripts[-1] += data
        elif self._in and self._in[-1] == "style":
            self.styles.append(data)
        else:
            if self._in and self._in[-1] == "title":
                self.title += data.strip()
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return "".join(self.text)


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme in {"http", "https", "ftp"}


def css_urls(text: str) -> list[str]:
    return _CSS_URL.findall(text) + _CSS_IMPORT.findall(text)


def _own(url: str, own_url: str | None) -> bool:
    """A link to the site's own public address (``<link rel="canonical">``, sitemap)."""
    return bool(own_url) and url.startswith(own_url)


def external_references(root: Path, own_url: str | None = None) -> list[str]:
    """Every place a built file would make the browser contact another host."""
    problems = []
    for path in site_files(root):
        rel = path.relative_to(root)
        if path.suffix in {".png", ".ico", ".gz", ".woff", ".woff2"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += [f"{rel}: {host}" for host in FORBIDDEN_HOSTS if host in text]
        if path.suffix == ".html":
            page = parse_page(path)
            problems += [f"{rel}: <{t} {a}={u}>" for t, a, u in page.urls if is_external(u) and not _own(u, own_url)]
            problems += [f"{rel}: style url({u})" for s in page.styles for u in css_urls(s) if is_external(u)]
        elif path.suffix == ".css":
            problems += [f"{rel}: url({u})" for u in css_urls(text) if is_external(u)]
    return problems


def link_problems(root: Path, *, own_url: str | None = None, skip: tuple[str, ...] = ("404.html",)) -> list[str]:
    """Links that are not relative, or relative links whose target file (or task anchor) is missing.

    Only ``<link rel="canonical">`` may name the site's own address.  404.html
    is skipped: a server shows it at any URL, so MkDocs makes its links
    root-absolute (under the base URL's path) by design.
    """
    problems = []
    ids: dict[Path, set[str]] = {}
    for path in site_files(root):
        if path.suffix != ".html" or str(path.relative_to(root)) in skip:
            continue
        page = parse_page(path)
        for tag, attr, url in page.urls:
            rel = path.relative_to(root)
            if url.startswith("#") or url.startswith("data:"):
                continue
            if tag == "link" and _own(url, own_url):
                continue
            if url.startswith("/") or is_external(url) or urlsplit(url).scheme:
                problems.append(f"{rel}: <{tag} {attr}={url}> is not relative")
                continue
            parts = urlsplit(url)
            target = (path.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                problems.append(f"{rel}: {url} → missing {posixpath.normpath(str(target))}")
                continue
            if parts.fragment.startswith("task-"):
                if target not in ids:
                    ids[target] = parse_page(target).ids
                if parts.fragment not in ids[target]:
                    problems.append(f"{rel}: {url} → no element #{parts.fragment}")
    return problems
