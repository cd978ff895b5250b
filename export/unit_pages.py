"""The public unit pages: everything one unit must do, by year, and the unit index.

Pure functions over a :class:`export.site.Site` (the snapshot, worked out):
each unit's page lists its 个性目标, the 共性目标 that reach it (named, or
through the notice's 主送 list), its tasks (牵头 / 配合 / 责任单位 / through
a group such as 各乡镇（街道）), its own indicator rows and its 目标责任书,
per year.  The unit page (``units/<slug>.md``) keeps the header and the
per-year counts and lists the newest year in full; every other year
(未标注年度 too, when dated years exist) is listed on its own page,
``units/<slug>/<year>.md``, so no page grows with the corpus (issue 17).
Each year in the counts table links to the page listing it.  The unit's
ledger downloads (export/downloads.py, one ledger per unit, linked from the
unit page only) hold the same items of every year; under them, where some
of its items come from a notice with 公开任务进展 on, a link to its calendar
(``downloads/unit-….ics``, 订阅任务日历) with a hint that phones can import
it (both added by export/pages.py beside the ledger links).  Titles use the
snapshot's ``display_name`` (``公安分局（百崎回族乡）`` where a short name is
shared).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from cms.core.markdown import escape_html, html_multiline, md_text
from cms.units.choices import ROLE_LABELS, UnitKind

from .assignments import ASSIGNMENT_KINDS, Assignment
from .front_matter import front_matter
from .site import Site
from .tree import SitePage, href, lastmod, year_label, year_slug

if TYPE_CHECKING:
    from .render_cache import RenderCache

__all__ = ["TASK_GROUPS", "unit_pages", "unit_title", "unit_year_path", "unit_year_paths"]

UNIT_KIND_LABELS = dict(UnitKind.choices)

# The 任务 section's parts: (key, heading); tasks through a group get one part per group.
TASK_GROUPS: list[tuple[str, str]] = [
    ("lead", "牵头"),
    ("support", "配合"),
    ("unstated", "责任单位（未分牵头配合）"),
]


def unit_title(unit: dict[str, Any]) -> str:
    return unit.get("display_name") or unit["name"]


def _counts(assignments: Iterable[Assignment]) -> dict[str, int]:
    counts = dict.fromkeys((k for k, _ in ASSIGNMENT_KINDS), 0)
    for a in assignments:
        counts[a.kind] += 1
    return counts


def unit_pages(site: Site, cache: RenderCache | None = None) -> list[SitePage]:
    """The unit index and every unit's pages; ``cache``: year sections kept from the last export."""
    pages = [_unit_index(site)]
    for uid, unit in site.units.items():
        pages += _unit_pages(site, unit, site.assignments[uid], cache)
    return pages


def unit_year_path(unit_path: str, year: int | None) -> str:
    """Where a unit's other years are listed: ``units/<slug>/<year>.md`` (``unknown``: 未标注年度).

    A folder named after the unit's own page, so it cannot clash with another
    unit's page (``units/<slug>.md``, one level up) nor with ``units/index.md``.
    """
    return f"{unit_path.removesuffix('.md')}/{year_slug(year)}.md"


def unit_year_paths(site: Site, uid: int) -> dict[int | None, str]:
    """Each year of a unit's items → the page listing it: the newest on the unit page, the others each on their own."""
    years = _years(site.assignments[uid])
    path = site.unit_paths[uid]
    return {year: path if n == 0 else unit_year_path(path, year) for n, year in enumerate(years)}


def _years(assignments: Iterable[Assignment]) -> list[int | None]:
    """The years of the items, newest first, 未标注年度 last."""
    return sorted({a.year for a in assignments}, key=lambda y: (y is None, -(y or 0)))


def _unit_index(site: Site) -> SitePage:
    path = "units/index.md"
    out = [front_matter(title="按责任单位"), "# 按责任单位\n\n"]
    if not site.units:
        out.append("暂无责任单位。\n")
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for unit in site.units.values():
        by_kind[unit.get("kind") or ""].append(unit)
    order = [k for k, _ in UnitKind.choices] + sorted(k for k in by_kind if k not in UNIT_KIND_LABELS)
    for kind in order:
        if kind not in by_kind:
            continue
        out.append(f"## {md_text(UNIT_KIND_LABELS.get(kind, '其他'))}（{len(by_kind[kind])}个）\n\n")
        for unit in by_kind[kind]:
            total = len(site.assignments[unit["id"]])
            out.append(f"- [{md_text(unit_title(unit))}]({href(path, site.unit_paths[unit['id']])})（{total}项）\n")
        out.append("\n")
    return SitePage(path, "".join(out))


class Years:
    """A unit's items by year, with what every one of its pages shows of all years, worked out once.

    Why once: each page of the unit has the summary table of every year and
    a ``lastmod``; counting them per page went over all the unit's items
    once per page (issue 17: the unit pages were rendered anew on every export).
    """

    def __init__(self, paths: dict[int | None, str], by_year: dict[int | None, list[Assignment]]) -> None:
        self.paths = paths  # year → the page listing it, newest first
        self.by_year = by_year
        self.counts = {year: _counts(items) for year, items in by_year.items()}
        self.stamps = {year: _lastmod(items) for year, items in by_year.items()}
        self.latest = max((stamp for stamp in self.stamps.values() if stamp), default=None)

    def table(self, path: str) -> str:
        """The summary table as shown on ``path``."""
        return _summary_table(path, self.by_year, self.paths, self.counts)


def _unit_pages(
    site: Site, unit: dict[str, Any], assignments: list[Assignment], cache: RenderCache | None = None
) -> list[SitePage]:
    """The unit page (header, summary of every year, the newest year in full) and one page per other year.

    So no page grows with the corpus: a unit page at 1,000 notices ran to
    megabytes of HTML when it listed every year.
    """
    paths = unit_year_paths(site, unit["id"])
    by_year: dict[int | None, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_year[a.year].append(a)

    def section(path: str, year: int | None) -> str:
        items = by_year[year]
        if cache is None:
            return _year_section(path, year, items)
        return cache.section(path, year, items, lambda: _year_section(path, year, items))

    years = Years(paths, by_year)
    pages = [SitePage(site.unit_paths[unit["id"]], _unit_page(site, unit, assignments, years, section))]
    for year, path in list(paths.items())[1:]:
        pages.append(SitePage(path, _year_page(site, unit, year, years, section)))
    return pages


def _unit_page(
    site: Site,
    unit: dict[str, Any],
    assignments: list[Assignment],
    years: Years,
    section: Callable[[str, int | None], str],
) -> str:
    path = site.unit_paths[unit["id"]]
    title = unit_title(unit)
    out = [
        # Indexed by name and summary only: the items are the documents' own text.
        front_matter(title=title, lastmod=years.latest, search="summary"),
        f"# {md_text(title)}\n\n",
    ]
    meta = [f"类别：{escape_html(UNIT_KIND_LABELS.get(unit.get('kind') or '', '其他'))}"]
    if unit.get("jurisdiction"):
        meta.append(f"所属区划：{escape_html(unit['jurisdiction'])}")
    if unit.get("aliases"):
        meta.append("别名：" + "、".join(escape_html(a) for a in unit["aliases"]))
    out.append(f'<p class="unit-meta">{"<br>".join(meta)}</p>\n\n')

    documents = {a.page.notice["id"] for a in assignments}
    total = {kind: sum(year[kind] for year in years.counts.values()) for kind, _ in ASSIGNMENT_KINDS}
    summary = "、".join(f"{label}{total[k]}项" for k, label in ASSIGNMENT_KINDS if total[k])
    # Its own paragraph, left out of the search index (export/search_index.py): "目标责任书1项" on every
    # unit page made 180 short unit pages outrank the documents for a query such as 目标责任书.
    out.append(f'<p class="unit-counts">涉及{len(documents)}份公开文件，共{len(assignments)}项：{summary}。</p>\n\n')
    year = next(iter(years.paths), None)  # a unit has a page only with items, so this is always set
    if len(years.paths) > 1:
        out.append(f"本页列出{year_label(year)}的事项，其他年度请点击下表中的年度查看。\n\n")
    out.append(years.table(path))
    out.append(section(path, year))
    return "".join(out)


def _year_page(
    site: Site,
    unit: dict[str, Any],
    year: int | None,
    years: Years,
    section: Callable[[str, int | None], str],
) -> str:
    """One earlier year (or 未标注年度) of a unit: its items in full, with the summary table to the others."""
    path = years.paths[year]
    unit_path = site.unit_paths[unit["id"]]
    title = f"{unit_title(unit)} · {year_label(year)}"
    return "".join(
        [
            front_matter(title=title, lastmod=years.stamps[year], search="summary"),
            f"# {md_text(title)}\n\n",
            f"[返回{md_text(unit_title(unit))}]({href(path, unit_path)})（单位概况、台账下载）\n\n",
            years.table(path),
            section(path, year),
        ]
    )


def _lastmod(assignments: Iterable[Assignment]) -> str | None:
    stamps = [s for a in assignments if (s := lastmod(a.page.record))]
    return max(stamps) if stamps else None


def _summary_table(
    path: str,
    by_year: dict[int | None, list[Assignment]],
    paths: dict[int | None, str],
    counts: dict[int | None, dict[str, int]],
) -> str:
    """Counts per year (``counts``); each year links to the page listing it, this page's year marked as current."""
    head = "".join(f"<th>{label}</th>" for label in ["年度", *(lbl for _, lbl in ASSIGNMENT_KINDS), "合计"])
    rows = []
    for year, target in paths.items():
        cells = "".join(f"<td>{counts[year][k]}</td>" for k, _ in ASSIGNMENT_KINDS)
        if target == path:
            label = f'<strong aria-current="page">{year_label(year)}</strong>'
        else:
            label = f'<a href="{escape_html(href(path, target, html=True))}">{year_label(year)}</a>'
        rows.append(f"<tr><td>{label}</td>{cells}<td>{len(by_year[year])}</td></tr>")
    return (
        f'<table class="generic-table unit-summary">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n\n"
    )


def _year_section(path: str, year: int | None, items: list[Assignment]) -> str:
    out = [f"## {year_label(year)}（{len(items)}项）\n\n"]
    for kind, label in ASSIGNMENT_KINDS:
        group = [a for a in items if a.kind == kind]
        if group:
            out.append(f"### {label}（{len(group)}项）\n\n")
            out.append(_UNIT_SECTIONS[kind](path, group))
            out.append("\n")
    return "".join(out)


def _source(a: Assignment) -> str:
    """《通知标题》（文号）: which document an item comes from."""
    notice = a.page.notice
    number = f"（{escape_html(notice['doc_number'])}）" if notice.get("doc_number") else ""
    return f"《{escape_html(notice.get('title') or '')}》{number}"


def _letters_section(path: str, group: list[Assignment]) -> str:
    return "".join(
        f'- [{md_text(a.page.title)}]({href(path, a.page.path)})　<span class="doc-meta">{_source(a)}</span>\n'
        for a in group
    )


def _targets_section(path: str, group: list[Assignment]) -> str:
    out = []
    for a in group:
        out.append(
            f'- [{md_text(a.page.title)}]({href(path, a.page.path)})　<span class="doc-meta">{_source(a)}</span>\n'
        )
        for n, line in enumerate((x for x in a.detail.splitlines() if x.strip()), start=1):
            out.append(f"    {n}. {md_text(line)}\n")
    return "".join(out)


def _common_section(path: str, group: list[Assignment]) -> str:
    """共性目标, grouped by page: each target, and how it reaches the unit (主送 / 经由 a group)."""
    out = []
    by_page: dict[str, list[Assignment]] = {}
    for a in group:
        by_page.setdefault(a.page.path, []).append(a)
    for items in by_page.values():
        page = items[0].page
        sources = "、".join(dict.fromkeys(a.source for a in items))
        out.append(
            f'- [{md_text(page.title)}]({href(path, page.path)})　<span class="doc-meta">{_source(items[0])}'
            f"　{escape_html(sources)}</span>\n"
        )
        for n, a in enumerate(items, start=1):
            text = f"{a.title}。{a.detail}" if a.detail else a.title
            out.append(f"    {n}. {md_text(' '.join(text.split()))}\n")
    return "".join(out)


def _task_table(path: str, group: list[Assignment]) -> str:
    rows = []
    for a in group:
        task = html_multiline(a.title)
        if a.detail:
            task += f'<br><span class="task-detail">{html_multiline(a.detail)}</span>'
        target = escape_html(href(path, a.page.path, html=True, anchor=a.anchor))
        link = f'<a href="{target}">{escape_html(a.page.title)}</a>'
        cells = [task, html_multiline(a.deadline), escape_html(a.role), f"{link}<br>{_source(a)}"]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ["工作任务", "完成时限", "角色", "出处"])
    return (
        f'<table class="task-list unit-tasks">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
    )


def _tasks_section(path: str, group: list[Assignment]) -> str:
    """Tasks in parts: 牵头, 配合, 责任单位（未分牵头配合）, then one part per group the unit acts through."""
    parts: dict[str, list[Assignment]] = {}
    labels = {ROLE_LABELS[key]: heading for key, heading in TASK_GROUPS}
    for a in group:
        if a.via:
            key = f"经由 {a.via}"
        else:
            role = a.role.split("（", 1)[0]
            key = labels.get(role, labels[ROLE_LABELS["lead"]])
        parts.setdefault(key, []).append(a)
    order = [heading for _, heading in TASK_GROUPS] + sorted(k for k in parts if k.startswith("经由 "))
    out = []
    for key in order:
        if key in parts:
            out.append(f"#### {md_text(key)}（{len(parts[key])}项）\n\n")
            out.append(_task_table(path, parts[key]))
            out.append("\n")
    return "".join(out)


def _indicators_section(path: str, group: list[Assignment]) -> str:
    out = []
    for a in group:
        title = f"{a.page.title}：{a.title}" if a.title else a.page.title
        out.append(f"- [{md_text(title)}]({href(path, a.page.path)})：{md_text(a.detail) or '—'}\n")
    return "".join(out)


_UNIT_SECTIONS: dict[str, Callable[[str, list[Assignment]], str]] = {
    "letter": _letters_section,
    "targets": _targets_section,
    "common": _common_section,
    "task": _tasks_section,
    "indicator": _indicators_section,
}
