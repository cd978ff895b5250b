"""Unit assignments: which unit must do which item of the public documents.

Read off the document tree (:mod:`export.tree`) once per export; the unit
pages show them and the ledger downloads hold the same items.  Only units
in the registry count, so a unit no public content names gets no page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from cms.core.indicators import format_number, indicator_columns, indicator_rows
from cms.core.markdown import list_items, list_items_with_ids
from cms.core.targets import group_targets
from cms.ledger.obligations import KIND_COMMON, iter_obligations
from cms.units.choices import ROLE_LABELS

from .tree import DocumentPage, Groups, is_cover, notice_addressees, stored_unit_id, walk

# The sections of a unit page, in order (issue 13: 个性目标, 共性目标, tasks, indicator rows, letters).
ASSIGNMENT_KINDS: list[tuple[str, str]] = [
    ("targets", "个性目标"),
    ("common", "共性目标"),
    ("task", "任务"),
    ("indicator", "指标"),
    ("letter", "目标责任书"),
]
SOURCE_DIRECT = "直接"
SOURCE_ADDRESSEE = "主送"


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


def collect_assignments(
    pages: Iterable[DocumentPage],
    known_units: set[int],
    groups: Groups | None = None,
    made: Callable[[DocumentPage, Groups], list[Assignment]] | None = None,
) -> dict[int, list[Assignment]]:
    """Everything assigned to each unit across all public documents.

    Only references to units in the registry count; a unit that no public
    content names gets no page and appears nowhere.  A row assigned to a
    group (各乡镇（街道）) reaches every member, marked with the group; a
    notice's 共性目标 reach its 主送 units and groups' members.
    ``made``: a notice's :func:`notice_assignments` when the caller keeps them.
    """
    groups = groups or Groups()
    found: dict[int, list[Assignment]] = defaultdict(list)
    for top in pages:
        for assignment in (made or notice_assignments)(top, groups):
            if assignment.unit_id in known_units:
                found[assignment.unit_id].append(assignment)
    return dict(found)


def notice_assignments(notice: DocumentPage, groups: Groups) -> list[Assignment]:
    """Everything a notice and the pages below it assign, in page order, to any unit id (registry or not).

    Depends on the notice's pages and the groups only, so it can be kept per
    notice between exports (export/render_cache.py).
    """
    out: list[Assignment] = []
    for page in walk([notice]):
        year = page.notice.get("year")
        if page.kind == "letter":
            unit_id = stored_unit_id(page.record.get("unit_id"))
            if unit_id is not None:
                out.append(Assignment(unit_id, "letter", year, page, title=page.title))
        out += [*_body_assignments(page, year, groups), *_common_assignments(page, year, groups)]
    return out


def _common_assignments(page: DocumentPage, year: int | None, groups: Groups) -> Iterator[Assignment]:
    """The page's 共性目标, for each unit they apply to (their own units, else the notice's 主送 list)."""
    letter_unit = stored_unit_id(page.record.get("unit_id")) if page.kind == "letter" else None
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
            unit_id = stored_unit_id(value.get("unit"))
            if unit_id is not None:
                targets = [target.label for target in group_targets(value)]
                yield Assignment(
                    unit_id, "targets", year, page, title=value.get("unit_name") or "", detail="\n".join(targets)
                )
        elif kind == "task_list":
            for row_id, row in list_items_with_ids(value.get("rows")):
                refs = [
                    {**ref, "unit": stored_unit_id(ref.get("unit")), "group": stored_unit_id(ref.get("group"))}
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
            columns = indicator_columns(value)
            for row in indicator_rows(value):
                unit_id = stored_unit_id(row.unit)
                if unit_id is None:
                    continue
                parts = [f"{column.heading} {format_number(v)}" for column, v in row.cells(columns) if v is not None]
                yield Assignment(
                    unit_id, "indicator", year, page, title=value.get("title") or "", detail="；".join(parts)
                )
