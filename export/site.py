"""Snapshot → the Markdown pages of the public site.

Pure functions over the plain-data snapshot of :mod:`export.snapshot`: no
ORM, no files, no clock.  Everything the public can reach is decided here
from the snapshot alone, so nothing that is not public can leak into a page,
and the same snapshot always gives the same pages (DESIGN.md: output is
deterministic).

Layout (``use_directory_urls: false``, every link relative, so the site
works from a portal sub-path and from disk)::

    index.md                                   首页
    notices/<slug>.md                          公文
    notices/<slug>/<attachment>.md             附件
    notices/<slug>/<attachment>/<child>.md     下级附件 / 目标责任书
    units/index.md, units/<unit>.md            责任单位
    years/index.md, years/<year>.md            按年度
    issuers/index.md, issuers/<issuer>.md      按发文机关
    topics/index.md, topics/safety.md|fire.md  按主题

Links written as Markdown (``[标题](x.md)``) are checked by ``mkdocs build
--strict``; links inside raw HTML (unit references in tables, the task rows
on unit pages) are not rewritten by MkDocs, so they are computed here
directly as relative ``.html`` paths.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from cms.core.blocks import format_number
from cms.core.markdown import MarkdownContext, escape_html, list_items, list_items_with_ids, md_text
from cms.core.slugs import ascii_slug
from cms.ledger.obligations import KIND_COMMON, UnitLink, expand_units, iter_obligations
from cms.units.choices import UnitKind

from .render import (
    VALIDITY_LABELS,
    format_date,
    release_date,
    render_attachment,
    render_letter,
    render_notice,
)

SITE_TITLE = "安全生产和消防工作目标责任"
LATEST_COUNT = 10
UNKNOWN_YEAR_SLUG = "unknown"
UNKNOWN_ISSUER = "未署发文机关"

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

# The sections of a unit page, in order (issue 13: 个性目标, 共性目标, tasks, indicator rows, letters).
ASSIGNMENT_KINDS: list[tuple[str, str]] = [
    ("targets", "个性目标"),
    ("common", "共性目标"),
    ("task", "任务"),
    ("indicator", "指标"),
    ("letter", "目标责任书"),
]
ROLE_LABELS = {"lead": "牵头", "support": "配合", "unstated": "责任单位"}
SOURCE_DIRECT = "直接"
SOURCE_ADDRESSEE = "主送"
UNIT_KIND_LABELS = dict(UnitKind.choices)


@dataclass(frozen=True)
class SitePage:
    """One generated Markdown file: ``path`` is relative to the docs dir."""

    path: str
    text: str


@dataclass
class DocumentPage:
    """A notice, attachment or letter placed at its path in the site."""

    kind: str  # "notice" | "attachment" | "letter"
    path: str
    record: dict[str, Any]
    notice: dict[str, Any]
    notice_path: str
    children: list[DocumentPage] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.record.get("title") or ""

    @property
    def link_label(self) -> str:
        """How a parent lists this page: 附件2：标题, or the letter's title."""
        if self.kind == "attachment":
            number = self.record.get("number")
            return f"{'附件' + str(number) if number else '附件'}：{self.title}"
        return self.title


@dataclass(frozen=True)
class Assignment:
    """One thing a unit must do, found in public content."""

    unit_id: int
    kind: str  # one of ASSIGNMENT_KINDS
    year: int | None
    page: DocumentPage
    anchor: str = ""
    title: str = ""
    detail: str = ""
    deadline: str = ""
    role: str = ""  # lead / support / unstated for task rows, else ""
    via: str = ""  # the group's name when the unit carries the item through a group
    addressee: bool = False  # reaches the unit through the notice's 主送 list

    @property
    def source(self) -> str:
        """直接 / 经由 各乡镇（街道） / 主送: why the item is on the unit's page and ledger."""
        return link_source(self.via, self.addressee)


def link_source(via: str, addressee: bool) -> str:
    if via:
        return f"经由 {via}"
    return SOURCE_ADDRESSEE if addressee else SOURCE_DIRECT


@dataclass(frozen=True)
class Groups:
    """The snapshot's unit groups: names and members, for expanding 各乡镇（街道） to its towns."""

    names: dict[int, str] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> Groups:
        groups = snapshot.get("groups") or []
        return cls({g["id"]: g["name"] for g in groups}, {g["id"]: list(g.get("members") or []) for g in groups})

    def links(self, refs: list[dict[str, Any]]) -> list[UnitLink]:
        return expand_units(refs, self.members)


def notice_addressees(notice: dict[str, Any], groups: Groups) -> list[dict[str, Any]]:
    """A notice record's 主送 units and groups, as references its 共性目标 apply to."""
    units = [{"unit": pk, "name": ""} for pk in notice.get("addressee_units") or []]
    return units + [{"group": pk, "name": groups.names.get(pk, "")} for pk in notice.get("addressee_groups") or []]


def is_cover(page: DocumentPage) -> bool:
    """A notice with attachments: its numbered points say how to carry the targets out (not targets)."""
    return page.kind == "notice" and any(child.kind == "attachment" for child in page.children)


# --- paths and links --------------------------------------------------------


def href(from_path: str, to_path: str, *, html: bool = False, anchor: str = "") -> str:
    """A relative link from one docs page to another.

    ``html=True`` gives the built file name (``.html``) for raw HTML, where
    MkDocs does not rewrite ``.md`` links.
    """
    target = _relative(to_path, posixpath.dirname(from_path) or ".")
    if html and target.endswith(".md"):
        target = target[:-3] + ".html"
    return f"{target}#{anchor}" if anchor else target


@lru_cache(maxsize=65_536)
def _relative(to_path: str, from_dir: str) -> str:
    """``posixpath.relpath``, remembered: a site links the same few folders to each page thousands of times."""
    return posixpath.relpath(to_path, from_dir)


def year_slug(year: int | None) -> str:
    return str(year) if year else UNKNOWN_YEAR_SLUG


def year_label(year: int | None) -> str:
    return f"{year}年" if year else "未标注年度"


def issuer_name(notice: dict[str, Any]) -> str:
    return (notice.get("issuer") or "").strip() or UNKNOWN_ISSUER


def issuer_slug(name: str) -> str:
    return "unknown" if name == UNKNOWN_ISSUER else ascii_slug(name, "issuer")


def _unit_id(value: Any) -> int | None:
    """A stored unit reference (a pk, sometimes as a string) or None."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, dict):
        value = value.get("id") or value.get("pk")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def document_pages(snapshot: dict[str, Any]) -> list[DocumentPage]:
    """Every notice with its attachments and letters, at unique paths.

    Notice slugs are unique only among siblings in Wagtail, so a clash (two
    公文库) gets the page id appended; children live in the parent's folder,
    where Wagtail already keeps slugs unique.
    """
    taken: set[str] = set()
    notices = []
    for notice in snapshot.get("notices", []):
        slug = notice.get("slug") or f"notice-{notice['id']}"
        path = f"notices/{slug}.md"
        if path in taken:
            path = f"notices/{slug}-{notice['id']}.md"
        taken.add(path)
        page = DocumentPage("notice", path, notice, notice, path)
        page.children = [_attachment_page(a, page, path) for a in notice.get("attachments", [])]
        notices.append(page)
    return notices


def _attachment_page(record: dict[str, Any], notice: DocumentPage, parent_path: str) -> DocumentPage:
    folder = parent_path[:-3]
    path = f"{folder}/{record.get('slug') or record['id']}.md"
    page = DocumentPage("attachment", path, record, notice.record, notice.path)
    page.children = [_attachment_page(child, notice, path) for child in record.get("attachments", [])]
    page.children += [
        DocumentPage(
            "letter", f"{path[:-3]}/{letter.get('slug') or letter['id']}.md", letter, notice.record, notice.path
        )
        for letter in record.get("letters", [])
    ]
    return page


def walk(pages: Iterable[DocumentPage]) -> Iterator[DocumentPage]:
    for page in pages:
        yield page
        yield from walk(page.children)


# --- unit assignments ---------------------------------------------------------


def collect_assignments(
    pages: Iterable[DocumentPage], known_units: set[int], groups: Groups | None = None
) -> dict[int, list[Assignment]]:
    """Everything assigned to each unit across all public documents.

    Only references to units in the registry count; a unit that no public
    content names gets no page and appears nowhere.  A row assigned to a
    group (各乡镇（街道）) reaches every member, marked with the group; a
    notice's 共性目标 reach its 主送 units and groups' members.
    """
    groups = groups or Groups()
    found: dict[int, list[Assignment]] = defaultdict(list)
    for page in walk(pages):
        year = page.notice.get("year")
        if page.kind == "letter":
            unit_id = _unit_id(page.record.get("unit_id"))
            if unit_id in known_units:
                found[unit_id].append(Assignment(unit_id, "letter", year, page, title=page.title))
        for assignment in [*_body_assignments(page, year, groups), *_common_assignments(page, year, groups)]:
            if assignment.unit_id in known_units:
                found[assignment.unit_id].append(assignment)
    return dict(found)


def _common_assignments(page: DocumentPage, year: int | None, groups: Groups) -> Iterator[Assignment]:
    """The page's 共性目标, for each unit they apply to (their own units, else the notice's 主送 list)."""
    letter_unit = _unit_id(page.record.get("unit_id")) if page.kind == "letter" else None
    rows = iter_obligations(
        page.record.get("body") or [],
        title=page.title,
        letter_unit=letter_unit,
        letter_unit_name=page.title if page.kind == "letter" else "",
        paragraph_targets=not is_cover(page),
        addressees=notice_addressees(page.notice, groups),
    )
    for row_id, row in rows:
        if row["kind"] != KIND_COMMON:
            continue
        for link in groups.links(row["units"]):
            yield Assignment(
                link.unit,
                "common",
                year,
                page,
                anchor=row_id,
                title=row.get("task") or row.get("detail") or "",
                detail=(row.get("detail") or "") if row.get("task") else "",
                via=groups.names.get(link.group, "") if link.group is not None else "",
                addressee=link.addressee,
            )


def _body_assignments(page: DocumentPage, year: int | None, groups: Groups) -> Iterator[Assignment]:
    for item in page.record.get("body") or []:
        kind, value = item.get("type"), item.get("value") or {}
        if kind == "target_group":
            unit_id = _unit_id(value.get("unit"))
            if unit_id is not None:
                targets = [
                    (t.get("text") or "") + (f"（指标：{t['indicator']}）" if t.get("indicator") else "")
                    for t in list_items(value.get("targets"))
                ]
                yield Assignment(
                    unit_id, "targets", year, page, title=value.get("unit_name") or "", detail="\n".join(targets)
                )
        elif kind == "task_list":
            for row_id, row in list_items_with_ids(value.get("rows")):
                refs = [
                    {**ref, "unit": _unit_id(ref.get("unit")), "group": _unit_id(ref.get("group"))}
                    for ref in list_items(row.get("units"))
                ]
                for link in groups.links(refs):
                    role = ROLE_LABELS.get(link.role, "")
                    if link.division:
                        role += f"（{link.division}）"
                    yield Assignment(
                        link.unit,
                        "task",
                        year,
                        page,
                        anchor=f"task-{row_id}",
                        title=row.get("task") or row.get("detail") or "",
                        detail=row.get("detail") if row.get("task") else "",
                        deadline=row.get("deadline") or "",
                        role=role,
                        via=groups.names.get(link.group, "") if link.group is not None else "",
                    )
        elif kind == "indicator_table":
            columns = list_items(value.get("columns"))
            names = ["·".join(x for x in (c.get("group") or "", c.get("name") or "") if x) for c in columns]
            for row in list_items(value.get("rows")):
                unit_id = _unit_id(row.get("unit"))
                if unit_id is None:
                    continue
                values = list_items(row.get("values"))
                parts = [f"{name} {format_number(v)}" for name, v in zip(names, values, strict=False) if v is not None]
                yield Assignment(
                    unit_id, "indicator", year, page, title=value.get("title") or "", detail="；".join(parts)
                )


# --- the site -------------------------------------------------------------------


@dataclass
class Site:
    """Everything needed to render pages, worked out once from a snapshot."""

    snapshot: dict[str, Any]
    notices: list[DocumentPage]
    units: dict[int, dict[str, Any]]  # only units with a public page, in registry order
    unit_paths: dict[int, str]
    assignments: dict[int, list[Assignment]]
    groups: Groups = field(default_factory=Groups)

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> Site:
        notices = document_pages(snapshot)
        registry = {u["id"]: u for u in snapshot.get("units", [])}
        groups = Groups.from_snapshot(snapshot)
        assignments = collect_assignments(notices, set(registry), groups)
        units = {uid: u for uid, u in registry.items() if uid in assignments}
        unit_paths = {uid: f"units/{u.get('slug') or uid}.md" for uid, u in units.items()}
        return cls(snapshot, notices, units, unit_paths, assignments, groups)

    def context_factory(self, from_path: str) -> Callable[[], MarkdownContext]:
        """Block renderers link units to their public page, relative to ``from_path``."""
        names = {uid: u["name"] for uid, u in self.units.items()}

        def unit_link(unit_id: int | None, name: str) -> str:
            uid = _unit_id(unit_id)
            label = escape_html(name or (names.get(uid, "") if uid is not None else ""))
            if uid in self.unit_paths:
                target = escape_html(href(from_path, self.unit_paths[uid], html=True))
                return f'<a class="unit-link" href="{target}">{label}</a>'
            return label

        return lambda: MarkdownContext(unit_link=unit_link, unit_names=dict(names))


def source_date(snapshot: dict[str, Any]) -> date | None:
    """The latest publication day in the snapshot: the site's "build date".

    Used instead of the clock (as SOURCE_DATE_EPOCH) so the same content
    builds the same sitemap.  Days are the local dates the pages print, the
    same as each page's own ``lastmod``.
    """
    stamps = [s[:10] for page in walk(document_pages(snapshot)) if (s := _lastmod(page.record))]
    return date.fromisoformat(max(stamps)) if stamps else None


def build_pages(
    snapshot: dict[str, Any], home_text: str = "", site: Site | None = None, ledger_items: list[Any] | None = None
) -> list[SitePage]:
    """All pages of the site, sorted by path (``site``: the snapshot already worked out)."""
    site = site or Site.from_snapshot(snapshot)
    pages: list[SitePage] = []
    for notice in site.notices:
        pages += _document_pages(site, notice)
    pages += unit_pages(site)
    pages += _year_pages(site)
    pages += _issuer_pages(site)
    pages += _topic_pages(site)
    pages.append(SitePage("index.md", _home_page(site, home_text)))
    pages += _portal_pages(site)
    pages = _with_download_links(site, pages, ledger_items)
    return sorted(pages, key=lambda p: p.path)


def unit_pages(site: Site) -> list[SitePage]:
    """The unit index and one page per unit with public items (export/unit_pages.py)."""
    from .unit_pages import unit_pages as build  # unit_pages builds on this module's helpers

    return build(site)


def _portal_pages(site: Site) -> list[SitePage]:
    """The site identity file and 网站地图 (政府网站 conventions, see export/portal.py)."""
    from .portal import identity_page, site_map_page  # portal builds on this module's helpers

    return [identity_page(site.snapshot), site_map_page(site)]


def _with_download_links(site: Site, pages: list[SitePage], items: list[Any] | None) -> list[SitePage]:
    """Link each notice, attachment and unit page to its ledger; add the downloads page."""
    # downloads builds on this module's tree
    from .downloads import calendar_link, download_links, downloads_page, ledgers

    items = ledgers(site) if items is None else items
    stems = {ledger.name for ledger in items}
    labels = {ledger.name: ledger.file_label for ledger in items}
    calendars = {ledger.name: ledger.calendar for ledger in items if ledger.calendar}
    targets: dict[str, str] = {}
    for notice in site.notices:
        stem = "notice-" + notice.path.removeprefix("notices/").removesuffix(".md")
        if stem in stems:
            for page in walk([notice]):
                targets[page.path] = stem
    for path in site.unit_paths.values():
        stem = "unit-" + path.removeprefix("units/").removesuffix(".md")
        if stem in stems:
            targets[path] = stem

    def links(path: str, stem: str) -> str:
        # A unit's calendar sits right under its ledger downloads (a notice's page has none).
        calendar = calendar_link(path, stem, calendars[stem]) if stem in calendars else ""
        return download_links(path, stem, labels[stem]) + calendar

    out = [SitePage(p.path, p.text + "\n" + links(p.path, targets[p.path])) if p.path in targets else p for p in pages]
    out.append(SitePage("downloads.md", downloads_page(items)))
    return out


_YAML_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar for any text (JSON escapes, plus what YAML forbids raw)."""
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _front_matter(
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


def _lastmod(record: dict[str, Any]) -> str | None:
    return record.get("last_published_at") or record.get("first_published_at")


def _document_pages(site: Site, page: DocumentPage) -> list[SitePage]:
    ctx = site.context_factory(page.path)
    links = [(child.link_label, href(page.path, child.path)) for child in page.children]
    notice_href = href(page.path, page.notice_path, html=True)
    if page.kind == "notice":
        text = render_notice(page.record, ctx, attachment_links=links)
    elif page.kind == "attachment":
        text = render_attachment(page.record, page.notice, ctx, child_links=links, notice_href=notice_href)
    else:
        unit_html = ctx().unit_link(page.record.get("unit_id"), "")
        text = render_letter(page.record, page.notice, unit_html, ctx, notice_href=notice_href)
    article = {"pubdate": (release_date(page.notice) or "")[:10], "source": issuer_name(page.notice)}
    if page.kind != "notice":
        article["notice_title"] = " ".join((page.notice.get("title") or "").split())
    front = _front_matter(title=page.title, lastmod=_lastmod(page.record), search="document", article=article)
    out = [SitePage(page.path, front + text)]
    for child in page.children:
        out += _document_pages(site, child)
    return out


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


# --- index pages -----------------------------------------------------------------


def _by_year(site: Site) -> dict[int | None, list[DocumentPage]]:
    groups: dict[int | None, list[DocumentPage]] = defaultdict(list)
    for page in site.notices:
        groups[page.record.get("year")].append(page)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] is None, -(kv[0] or 0))))


def _by_issuer(site: Site) -> dict[str, list[DocumentPage]]:
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


def _home_page(site: Site, home_text: str) -> str:
    out = [_front_matter(), f"# {md_text(SITE_TITLE)}\n\n"]
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
        "\n".join(f"- [{year_label(y)}](years/{year_slug(y)}.md)（{len(ps)}件）" for y, ps in _by_year(site).items())
        or "暂无公开文件。"
    )
    out.append("\n\n## 按发文机关\n\n")
    out.append(
        "\n".join(
            f"- [{md_text(name)}](issuers/{issuer_slug(name)}.md)（{len(ps)}件）"
            for name, ps in _by_issuer(site).items()
        )
        or "暂无公开文件。"
    )
    out.append(f"\n\n## 按责任单位\n\n- [全部责任单位](units/index.md)（{len(site.units)}个）\n\n## 按主题\n\n")
    topics = _by_topic(site)
    out.append("\n".join(f"- [{label}](topics/{slug}.md)（{len(topics[slug])}件）" for slug, label, _ in TOPIC_PAGES))
    return "".join(out) + "\n"


def _grouped_pages(folder: str, heading: str, groups: list[tuple[str, str, str, list[DocumentPage]]]) -> list[SitePage]:
    """An index page and one list page per group: (slug, label, page title, notices)."""
    index = [_front_matter(title=heading), f"# {heading}\n\n"]
    index.append(
        "\n".join(f"- [{md_text(label)}]({slug}.md)（{len(notices)}件）" for slug, label, _, notices in groups)
        or "暂无公开文件。"
    )
    pages = [SitePage(f"{folder}/index.md", "".join(index) + "\n")]
    for slug, _, title, notices in groups:
        path = f"{folder}/{slug}.md"
        text = f"{_front_matter(title=title)}# {md_text(title)}\n\n共{len(notices)}件。\n\n"
        pages.append(SitePage(path, text + _notice_list(path, _sorted_notices(notices))))
    return pages


def _year_pages(site: Site) -> list[SitePage]:
    groups = [
        (year_slug(y), year_label(y), f"{year_label(y)}公开文件", notices) for y, notices in _by_year(site).items()
    ]
    return _grouped_pages("years", "按年度", groups)


def _issuer_pages(site: Site) -> list[SitePage]:
    groups = [(issuer_slug(name), name, name, notices) for name, notices in _by_issuer(site).items()]
    return _grouped_pages("issuers", "按发文机关", groups)


def _topic_pages(site: Site) -> list[SitePage]:
    topics = _by_topic(site)
    return _grouped_pages("topics", "按主题", [(slug, label, label, topics[slug]) for slug, label, _ in TOPIC_PAGES])
