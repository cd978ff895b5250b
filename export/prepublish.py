"""The pre-publish check: the built site is looked at before it replaces the public one.

DESIGN.md: "A pre-publish check (links, dates, required metadata) runs
before the swap."  A site that passes MkDocs can still be wrong for the
public: a link in raw HTML (which MkDocs does not check) pointing nowhere,
a ledger link without its file, a notice listed without any date, an index
page with nothing in it, a notice missing 索引号/发文机关/成文日期.  Each
problem names the page, so the editor (or the developer) knows where to
look; the caller keeps the previous site when there is any.

Plain code over the files in the build directory: no Django, no snapshot.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Every href/src of the page, as written.
_LINK = re.compile(r"""\s(?:href|src)="([^"]*)\"""")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_META_ROW = re.compile(r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td></tr>', re.S)
_TAG = re.compile(r"<[^>]+>")

# 信息公开 fields every notice must fill (or mark explicitly as 未署).
REQUIRED_METADATA = ("索引号", "发文机关", "成文日期")
# Listing pages whose items are notices: each item must show a date.
LISTING_FOLDERS = ("years", "issuers", "topics")
# Pages that exist only because something is in them: empty means a bug.
NON_EMPTY_FOLDERS = ("years", "issuers")
# The 404 page is served at any depth, so its links are absolute to the site's address.
SKIPPED_PAGES = {"404.html"}
MAX_PROBLEMS = 20


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc) or url.startswith(("#", "mailto:", "tel:", "javascript:"))


# A link's url and its path, as written (None: external, an anchor, or empty): what :func:`page_links` parses.
LinkCache = dict[str, tuple[str, str] | None]


def _link_path(raw: str) -> tuple[str, str] | None:
    url = html.unescape(raw)
    if not url or _is_external(url):
        return None
    return url, unquote(urlsplit(url).path)


def page_links(page: str, text: str, parsed: LinkCache | None = None) -> list[tuple[str, str]]:
    """(url as written, the site path it points to) for each relative link and asset of ``page``, by url.

    From the text alone; whether each target exists is :func:`link_problems`'
    question, so the pages can be read while MkDocs still writes the others
    (export/finish.py) and their targets looked up once the site is complete.
    A root-relative url keeps its ``/`` and one leaving the site starts with ``..``.
    ``parsed``: what each raw href was found to be, shared between the pages
    of one site: 9,168 pages of 1,000 notices hold 418,000 links but only
    62,000 distinct hrefs (navigation, indexes, units); parsing each once
    (unescape, urlsplit, unquote) took the links of all pages from 2.2–2.5 s
    to 1.9 s of CPU.
    """
    cache: LinkCache = {} if parsed is None else parsed
    links = []
    folder = posixpath.dirname(page)
    for raw in sorted(set(_LINK.findall(text))):
        if raw in cache:
            found = cache[raw]
        else:
            found = cache[raw] = _link_path(raw)
        if found is None:
            continue
        url, path = found
        links.append((url, path if path.startswith("/") else posixpath.normpath(posixpath.join(folder, path))))
    return links


def link_problems(
    site_dir: Path, page: str, links: list[tuple[str, str]], found: dict[str, bool] | None = None
) -> list[str]:
    """The links of :func:`page_links` that do not resolve to a file of the site.

    ``found``: site path → whether it resolves, shared between pages (a
    thousand pages link to the same indexes, units and downloads).
    """
    known = {} if found is None else found
    problems = []
    for url, target in links:
        if target.startswith("/"):
            problems.append(f"{page}：链接 {url} 是站点根路径，放在门户子路径下会失效")
            continue
        if target.startswith("../") or target == "..":
            problems.append(f"{page}：链接 {url} 指向网站以外")
            continue
        exists = known.get(target)
        if exists is None:
            resolved = site_dir / target
            exists = known[target] = resolved.is_file() or (resolved / "index.html").is_file()
        if not exists:
            problems.append(f"{page}：链接 {url} 指向不存在的文件")
    return problems


def broken_links(
    site_dir: Path, page: str, text: str, found: dict[str, bool] | None = None, parsed: LinkCache | None = None
) -> list[str]:
    """Relative links and assets of ``page`` that do not resolve to a file of the site."""
    return link_problems(site_dir, page, page_links(page, text, parsed), found)


def undated_items(page: str, text: str) -> list[str]:
    """Items of a notice listing that show no date."""
    content = text.split('<article class="md-content__inner md-typeset">', 1)[-1].split("</article>", 1)[0]
    return [
        f"{page}：列表项“{_text(item)[:40]}”没有日期"
        for item in _LIST_ITEM.findall(content)
        if "notices/" in item and not _DATE.search(item)
    ]


def missing_metadata(page: str, text: str) -> list[str]:
    """A notice page whose 信息公开 table leaves a required field blank."""
    table = text.split('<table class="gk-meta">', 1)
    if len(table) < 2:
        return [f"{page}：公文缺少信息公开表（索引号、发文机关、成文日期）"]
    values = {label: _text(value) for label, value in _META_ROW.findall(table[1].split("</table>", 1)[0])}
    return [f"{page}：{label}为空（没有时应写明“未署”）" for label in REQUIRED_METADATA if not values.get(label)]


def empty_listing(page: str, text: str) -> list[str]:
    content = text.split('<article class="md-content__inner md-typeset">', 1)[-1]
    return [] if "notices/" in content else [f"{page}：索引页没有列出任何公文"]


def check_page(
    site_dir: Path, page: str, text: str, found: dict[str, bool] | None = None, parsed: LinkCache | None = None
) -> list[str]:
    """Every problem of one built page (site path ``page``, its HTML ``text``); caches as for :func:`page_links`."""
    if page in SKIPPED_PAGES:
        return []
    return broken_links(site_dir, page, text, found, parsed) + text_problems(page, text)


def text_problems(page: str, text: str) -> list[str]:
    """The problems of one built page that its text alone shows (all but its links)."""
    if page in SKIPPED_PAGES:
        return []
    problems = []
    top, _, rest = page.partition("/")
    if top in LISTING_FOLDERS or page == "index.html":
        problems += undated_items(page, text)
    if top in NON_EMPTY_FOLDERS and rest != "index.html":
        problems += empty_listing(page, text)
    if top == "notices" and "/" not in rest:
        problems += missing_metadata(page, text)
    return problems


def check_site(site_dir: Path) -> list[str]:
    """Every problem found in the built site, worst first capped at :data:`MAX_PROBLEMS`."""
    problems: list[str] = []
    found: dict[str, bool] = {}
    parsed: LinkCache = {}
    for path in sorted(site_dir.rglob("*.html")):
        page = path.relative_to(site_dir).as_posix()
        problems += check_page(site_dir, page, path.read_text(encoding="utf-8"), found, parsed)
    return problems


def report(problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS]
    more = f"\n……另有 {len(problems) - len(shown)} 处" if len(problems) > len(shown) else ""
    return "\n".join(f"- {p}" for p in shown) + more
