"""Every unit's full list of obligations (issue 13): groups, 主送 and 共性目标 on unit pages and ledgers."""

from __future__ import annotations

import csv
import io
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
from tests.factories import UnitFactory, list_value, make_attachment, make_notice

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
