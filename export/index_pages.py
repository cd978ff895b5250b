"""The index pages: 首页 and the lists of notices by year, issuer and topic.

Also the sidebar (:data:`NAV`), which names these indexes and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cms.core.markdown import escape_html, md_text

from .front_matter import front_matter
from .render import VALIDITY_LABELS, format_date, release_date
from .site import Site
from .tree import UNKNOWN_ISSUER, DocumentPage, SitePage, href, issuer_name, issuer_slug, year_label, year_slug

__all__ = [
    "NAV",
    "TOPIC_PAGES",
    "by_issuer",
    "by_year",
    "home_page",
    "issuer_pages",
    "topic_pages",
    "year_pages",
]

SITE_TITLE = "安全生产和消防工作目标责任"
LATEST_COUNT = 10

# The only pages in the sidebar.  Material lists every page otherwise, which
# makes the build quadratic in the number of documents (DESIGN.md).
NAV: list[dict[str, str]] = [
    {"首页": "index.md"},
    {"按年度": "years/index.md"},
    {"按发文机关": "issuers/index.md"},
    {"按单位": "units/index.md"},
    {"按主题": "topics/index.md"},
    {"台账下载": "downloads.md"},
]

# 主题 pages: a notice whose topic is "both" appears under each.
TOPIC_PAGES: list[tuple[str, str, frozenset[str]]] = [
    ("safety", "安全生产", frozenset({"safety", "both"})),
    ("fire", "消防", frozenset({"fire", "both"})),
]


def _sorted_notices(pages: Iterable[DocumentPage]) -> list[DocumentPage]:
    """Newest first by 成文日期, then 发布日期; ties by id, so the order never varies."""
    return sorted(
        pages,
        key=lambda p: (p.record.get("written_date") or "", release_date(p.record) or "", p.record["id"]),
        reverse=True,
    )


def _notice_item(from_path: str, page: DocumentPage, *, date_field: str = "written_date") -> str:
    notice = page.record
    # Every listed notice shows a date: its 成文日期, else when it was published.
    day = format_date(notice.get(date_field)) or format_date(release_date(notice))
    meta = [escape_html(x) for x in (notice.get("doc_number") or "", day) if x]
    if notice.get("validity") in {"expired", "repealed"}:
        meta.append(f'<span class="validity-tag">已{VALIDITY_LABELS[notice["validity"]]}</span>')
    tail = f'　<span class="doc-meta">{"　".join(meta)}</span>' if meta else ""
    return f"- [{md_text(page.title)}]({href(from_path, page.path)}){tail}"


def _notice_list(from_path: str, pages: Iterable[DocumentPage], **kwargs: Any) -> str:
    items = [_notice_item(from_path, p, **kwargs) for p in pages]
    return "\n".join(items) + "\n" if items else "暂无公开文件。\n"


def by_year(site: Site) -> dict[int | None, list[DocumentPage]]:
    groups: dict[int | None, list[DocumentPage]] = defaultdict(list)
    for page in site.notices:
        groups[page.record.get("year")].append(page)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] is None, -(kv[0] or 0))))


def by_issuer(site: Site) -> dict[str, list[DocumentPage]]:
    groups: dict[str, list[DocumentPage]] = defaultdict(list)
    for page in site.notices:
        groups[issuer_name(page.record)].append(page)
    # Most documents first, then by name: the big offices lead the list.
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == UNKNOWN_ISSUER, -len(kv[1]), kv[0])))


def _by_topic(site: Site) -> dict[str, list[DocumentPage]]:
    return {
        slug: [p for p in site.notices if (p.record.get("topic") or "both") in topics]
        for slug, _, topics in TOPIC_PAGES
    }


def home_page(site: Site, home_text: str) -> SitePage:
    out = [front_matter(), f"# {md_text(SITE_TITLE)}\n\n"]
    if home_text.strip():
        out.append(home_text.strip() + "\n\n")
    latest = sorted(
        site.notices,
        key=lambda p: (release_date(p.record) or "", p.record["id"]),
        reverse=True,
    )[:LATEST_COUNT]
    out += ["## 最新公开\n\n", _notice_list("index.md", latest, date_field="release_date"), "\n"]
    out.append("## 按年度\n\n")
    out.append(
        "\n".join(f"- [{year_label(y)}](years/{year_slug(y)}.md)（{len(ps)}件）" for y, ps in by_year(site).items())
        or "暂无公开文件。"
    )
    out.append("\n\n## 按发文机关\n\n")
    out.append(
        "\n".join(
            f"- [{md_text(name)}](issuers/{issuer_slug(name)}.md)（{len(ps)}件）"
            for name, ps in by_issuer(site).items()
        )
        or "暂无公开文件。"
    )
    out.append(f"\n\n## 按责任单位\n\n- [全部责任单位](units/index.md)（{len(site.units)}个）\n\n## 按主题\n\n")
    topics = _by_topic(site)
    out.append("\n".join(f"- [{label}](topics/{slug}.md)（{len(topics[slug])}件）" for slug, label, _ in TOPIC_PAGES))
    return SitePage("index.md", "".join(out) + "\n")


def _grouped_pages(folder: str, heading: str, groups: list[tuple[str, str, str, list[DocumentPage]]]) -> list[SitePage]:
    """An index page and one list page per group: (slug, label, page title, notices)."""
    index = [front_matter(title=heading), f"# {heading}\n\n"]
    index.append(
        "\n".join(f"- [{md_text(label)}]({slug}.md)（{len(notices)}件）" for slug, label, _, notices in groups)
        or "暂无公开文件。"
    )
    pages = [SitePage(f"{folder}/index.md", "".join(index) + "\n")]
    for slug, _, title, notices in groups:
        path = f"{folder}/{slug}.md"
        text = f"{front_matter(title=title)}# {md_text(title)}\n\n共{len(notices)}件。\n\n"
        pages.append(SitePage(path, text + _notice_list(path, _sorted_notices(notices))))
    return pages


def year_pages(site: Site) -> list[SitePage]:
    groups = [
        (year_slug(y), year_label(y), f"{year_label(y)}公开文件", notices) for y, notices in by_year(site).items()
    ]
    return _grouped_pages("years", "按年度", groups)


def issuer_pages(site: Site) -> list[SitePage]:
    groups = [(issuer_slug(name), name, name, notices) for name, notices in by_issuer(site).items()]
    return _grouped_pages("issuers", "按发文机关", groups)


def topic_pages(site: Site) -> list[SitePage]:
    topics = _by_topic(site)
    return _grouped_pages("topics", "按主题", [(slug, label, label, topics[slug]) for slug, label, _ in TOPIC_PAGES])
