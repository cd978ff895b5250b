"""Every unit's full list of obligations (issue 13): groups, 主送 and 共性目标 on unit pages and ledgers."""

from __future__ import annotations

import csv
import io
import posixpath
import re
import uuid
from typing import Any

import pytest

from cms.core.tasks import task_row, unit_ref
from cms.ledger.models import TaskUnit
from cms.units.models import Jurisdiction, Unit, UnitGroup
from export.downloads import ledger_files, ledgers
from export.pages import build_pages
from export.site import Site
from export.snapshot import take_snapshot
from export.unit_pages import unit_year_path, unit_year_paths
from tests.factories import UnitFactory, list_value, make_attachment, make_notice, task_list

pytestmark = pytest.mark.django_db

TOWNS = ["池店镇", "东石镇", "安海镇"]
COMMON = ["强化安全生产责任落实", "开展消防安全隐患排查整治"]


def _target(text: str) -> dict[str, Any]:
    return {"type": "target", "value": {"text": text, "indicator": ""}, "id": str(uuid.uuid4())}


def _indicator_rows(towns: list[Any]) -> dict[str, Any]:
    rows = [
        {"unit": town.pk, "unit_name": town.name, "values": list_value([float(n)])}
        for n, town in enumerate(towns, start=11)
    ]
    return {
        "type": "indicator_table",
        "value": {
            "title": "市政消火栓建设任务表",
            "row_header": "单位",
            "columns": list_value([{"group": "", "name": "新建数"}]),
            "rows": list_value(rows),
        },
    }


def _group_task(group: UnitGroup, task: str) -> dict[str, Any]:
    row = task_row(
        task=task, deadline="2024年底前", units=list_value([unit_ref(None, group.name, "lead", group=group.pk)])
    )
    row["units_text"] = group.name
    return {"type": "task_list", "value": {"title": "", "rows": list_value([row])}}


@pytest.fixture
def corpus(notice_index) -> dict[str, Any]:
    county = Jurisdiction.objects.create(name="晋江市", level="county")
    towns = [UnitFactory(name=name, kind="township", jurisdiction=county) for name in TOWNS]
    group = UnitGroup.objects.create(name="各乡镇（街道）", kind="places", jurisdiction=county)
    group.members.set(towns)
    group.save()  # ParentalManyToMany: written when the group is saved, as from the admin form
    notice = make_notice(notice_index, publish=False, title="关于下达2024年度安全生产工作目标的通知", year=2024)
    notice.addressee_groups.set([group])
    notice.save_revision().publish()
    make_attachment(
        notice,
        number=1,
        title="共性工作目标",
        body=[*(_target(text) for text in COMMON), _indicator_rows(towns), _group_task(group, "组织开展应急演练")],
    )
    draft = make_notice(notice_index, publish=False, title="草稿通知", year=2024)
    draft.addressee_groups.set([group])
    draft.save_revision()
    make_attachment(draft, publish=False, number=1, body=[_target("草稿目标不得公开")])
    return {"towns": towns, "group": group, "notice": notice}


def _unit_page(pages: dict[str, str], site: Site, unit: Any) -> str:
    return pages[site.unit_paths[unit.pk]]


def _csv(files: dict[str, bytes], site: Site, unit: Any) -> list[dict[str, str]]:
    slug = site.unit_paths[unit.pk].removeprefix("units/").removesuffix(".md")
    text = files[f"downloads/unit-{slug}.csv"].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_unit_pages__addressee_group_towns_each_list_common_targets_and_own_indicator_row(corpus):
    site = Site.from_snapshot(take_snapshot())
    pages = {page.path: page.text for page in build_pages(site.snapshot, site=site)}
    for number, town in enumerate(corpus["towns"], start=11):
        text = _unit_page(pages, site, town)
        assert "共性目标（2项）" in text and all(target in text for target in COMMON)
        assert f"新建数 {number}" in text and "指标（1项）" in text
        others = [n for n in range(11, 14) if n != number]
        assert not any(f"新建数 {n}" in text for n in others)


def test_unit_ledgers__each_town_csv_has_the_common_targets_and_only_its_own_indicator(corpus):
    site = Site.from_snapshot(take_snapshot())
    files = dict(ledger_files(ledgers(site)))
    for number, town in enumerate(corpus["towns"], start=11):
        rows = _csv(files, site, town)
        common = [row for row in rows if row["类型"] == "共性目标"]
        assert sorted(row["工作任务"] or row["工作内容"] for row in common) == sorted(COMMON)
        assert {row["来源"] for row in common} == {"经由 各乡镇（街道）"}
        indicators = [row for row in rows if row["类型"] == "指标"]
        assert [row["指标值"] for row in indicators] == [f"{number}.0"]
        assert [row["来源"] for row in indicators] == ["直接"]


def test_unit_pages__task_assigned_to_a_group_shows_on_every_member_marked_via_the_group(corpus):
    site = Site.from_snapshot(take_snapshot())
    pages = {page.path: page.text for page in build_pages(site.snapshot, site=site)}
    files = dict(ledger_files(ledgers(site)))
    for town in corpus["towns"]:
        text = _unit_page(pages, site, town)
        assert "#### 经由 各乡镇（街道）（1项）" in text and "组织开展应急演练" in text
        (task,) = [row for row in _csv(files, site, town) if row["类型"] == "任务"]
        assert task["来源"] == "经由 各乡镇（街道）" and task["角色"] == "牵头"
        assert town.name in task["牵头单位"]


def test_unit_pages__draft_notice_items_appear_nowhere(corpus):
    site = Site.from_snapshot(take_snapshot())
    pages = build_pages(site.snapshot, site=site)
    assert not any("草稿目标不得公开" in page.text for page in pages)
    files = ledger_files(ledgers(site))
    assert not any("草稿目标不得公开".encode() in data for _, data in files)
    assert not TaskUnit.objects.filter(task__detail__contains="草稿目标").exists()
    assert not TaskUnit.objects.filter(task__task__contains="草稿目标").exists()


def test_task_index__group_and_addressee_items_have_via_group_rows_per_member(corpus):
    group, towns = corpus["group"], corpus["towns"]
    links = TaskUnit.objects.filter(task__notice=corpus["notice"], via_group=group)
    kinds = sorted(links.values_list("task__kind", flat=True).distinct())
    assert kinds == ["任务", "共性目标"]
    assert set(links.values_list("unit_id", flat=True)) == {town.pk for town in towns}
    assert links.count() == len(towns) * (len(COMMON) + 1)
    common = links.filter(task__kind="共性目标").first()
    assert common is not None and common.role == "unstated"
    assert "经由 各乡镇（街道）：" in common.task.unit_summary()
    # Indicator rows are the town's own, a direct link.
    assert TaskUnit.objects.filter(task__kind="指标", via_group__isnull=True).count() == len(towns)


def test_group_members_change__resyncs_the_live_notices_using_the_group(corpus):
    group, towns = corpus["group"], corpus["towns"]
    newcomer = UnitFactory(name="金井镇", kind="township", jurisdiction=towns[0].jurisdiction)
    group.members.add(newcomer)
    group.save()
    assert TaskUnit.objects.filter(unit=newcomer, via_group=group).count() == len(COMMON) + 1
    group.members.remove(towns[0])
    group.save()
    assert not TaskUnit.objects.filter(unit=towns[0], via_group=group).exists()


def test_snapshot__groups_addressees_and_display_names_are_plain_sorted_data(corpus):
    other = Jurisdiction.objects.create(name="百崎回族乡", level="township")
    Unit.objects.create(name="公安分局", jurisdiction=other)
    Unit.objects.create(name="公安分局", jurisdiction=corpus["towns"][0].jurisdiction)
    snapshot = take_snapshot()
    (group,) = snapshot["groups"]
    assert group["name"] == "各乡镇（街道）" and group["members"] == sorted(t.pk for t in corpus["towns"])
    (notice,) = snapshot["notices"]
    assert notice["addressee_groups"] == [corpus["group"].pk] and notice["addressee_units"] == []
    names = sorted(u["display_name"] for u in snapshot["units"] if u["name"] == "公安分局")
    assert names == ["公安分局（晋江市）", "公安分局（百崎回族乡）"]
    assert {u["display_name"] for u in snapshot["units"] if u["name"] == "池店镇"} == {"池店镇"}


# --- one year per page (issue 17): the unit page lists the newest year, each other year has its own page ----


def _notice_with_task(notice_index, unit: Any, year: int | None, task: str) -> None:
    """A public notice of ``year`` (None: nothing to infer a year from) giving ``unit`` one task."""
    title = f"关于{year}年度安全工作的通知" if year else "关于安全工作的通知"
    make_notice(
        notice_index,
        title=title,
        doc_number="",
        year=year,
        body=[task_list([{"task": task, "units": [(unit, "lead")]}])],
    )


def _pages_of() -> tuple[Site, dict[str, str]]:
    site = Site.from_snapshot(take_snapshot())
    return site, {page.path: page.text for page in build_pages(site.snapshot, site=site)}


def _links(path: str, text: str) -> set[str]:
    """Every relative link on a page (Markdown and raw HTML), resolved to a docs path (``.html`` → ``.md``)."""
    targets = re.findall(r"\]\(([^)#\s]+)", text) + re.findall(r'href="([^"#]+)', text)
    resolved = {posixpath.normpath(posixpath.join(posixpath.dirname(path), t)) for t in targets}
    return {t[:-5] + ".md" if t.endswith(".html") else t for t in resolved}


def test_unit_pages__three_years_give_the_newest_on_the_unit_page_and_a_page_per_other_year(notice_index):
    unit = UnitFactory(name="池店镇")
    for year in (2022, 2023, 2024):
        _notice_with_task(notice_index, unit, year, f"任务{year}甲")
        _notice_with_task(notice_index, unit, year, f"任务{year}乙")
    site, pages = _pages_of()
    path = site.unit_paths[unit.pk]
    slug = path.removeprefix("units/").removesuffix(".md")
    assert {p for p in pages if p.startswith(f"units/{slug}/")} == {f"units/{slug}/2023.md", f"units/{slug}/2022.md"}
    listed = {
        p: {y for y in (2022, 2023, 2024) if f"任务{y}甲" in pages[p]}
        for p in [path, *unit_year_paths(site, unit.pk).values()]
    }
    assert listed == {path: {2024}, f"units/{slug}/2023.md": {2023}, f"units/{slug}/2022.md": {2022}}
    for year in (2022, 2023):
        text = pages[f"units/{slug}/{year}.md"]
        assert f"任务{year}乙" in text and f"## {year}年（2项）" in text
        assert f'title: "池店镇 · {year}年"' in text and "pagefind: summary" in text
        assert f'<strong aria-current="page">{year}年</strong>' in text
    # The header and the per-year summary stay on the unit page; the ledger links too (one ledger per unit).
    main = pages[path]
    assert "涉及6份公开文件，共6项" in main and '<strong aria-current="page">2024年</strong>' in main
    assert f'<a href="{slug}/2023.html">2023年</a>' in main and f'data-gk-size="unit-{slug}.csv"' in main
    assert not any('data-gk-size="unit-' in pages[f"units/{slug}/{y}.md"] for y in (2022, 2023))


def test_unit_pages__links_between_a_unit_and_its_year_pages_resolve_both_ways(notice_index):
    unit = UnitFactory(name="东石镇")
    for year in (2022, 2023, 2024):
        _notice_with_task(notice_index, unit, year, f"任务{year}")
    site, pages = _pages_of()
    family = [site.unit_paths[unit.pk], *list(unit_year_paths(site, unit.pk).values())[1:]]
    assert len(family) == 3
    for path in family:
        links = _links(path, pages[path])
        assert all(target in pages for target in links if not target.startswith("downloads/")), path
        assert set(family) - {path} <= links  # every other year of the unit, from every one of its pages


def test_unit_pages__undated_items_get_their_own_page_beside_dated_years(notice_index):
    unit = UnitFactory(name="安海镇")
    _notice_with_task(notice_index, unit, 2024, "有年度的任务")
    _notice_with_task(notice_index, unit, None, "未署年度的任务")
    site, pages = _pages_of()
    path = site.unit_paths[unit.pk]
    undated = unit_year_path(path, None)
    assert undated.endswith("/unknown.md") and unit_year_paths(site, unit.pk) == {2024: path, None: undated}
    assert "有年度的任务" in pages[path] and "未署年度的任务" not in pages[path]
    assert "未署年度的任务" in pages[undated] and "## 未标注年度（1项）" in pages[undated]
    assert "有年度的任务" not in pages[undated]


def test_unit_pages__a_unit_with_one_year_or_only_undated_items_has_no_year_page(notice_index):
    dated, undated = UnitFactory(name="金井镇"), UnitFactory(name="英林镇")
    _notice_with_task(notice_index, dated, 2024, "唯一年度任务")
    _notice_with_task(notice_index, undated, None, "只有未署年度的任务")
    site, pages = _pages_of()
    for unit, task in ((dated, "唯一年度任务"), (undated, "只有未署年度的任务")):
        path = site.unit_paths[unit.pk]
        assert not any(p.startswith(path.removesuffix(".md") + "/") for p in pages)
        assert task in pages[path] and "aria-current" in pages[path]
        assert "其他年度" not in pages[path]


def test_unit_pages__year_page_lastmod_is_its_own_items(notice_index):
    unit = UnitFactory(name="深沪镇")
    _notice_with_task(notice_index, unit, 2023, "旧任务")
    _notice_with_task(notice_index, unit, 2024, "新任务")
    snapshot = take_snapshot()
    for notice in snapshot["notices"]:
        stamp = "2023-03-01T08:00:00+08:00" if notice["year"] == 2023 else "2024-05-01T08:00:00+08:00"
        notice["first_published_at"] = notice["last_published_at"] = stamp
    site = Site.from_snapshot(snapshot)
    pages = {page.path: page.text for page in build_pages(snapshot, site=site)}
    path = site.unit_paths[unit.pk]
    assert 'lastmod: "2024-05-01"' in pages[path]
    assert 'lastmod: "2023-03-01"' in pages[unit_year_path(path, 2023)]
