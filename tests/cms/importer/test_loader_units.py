"""The loader's unit handling on small documents: roles, groups, 主送, jurisdiction, re-import."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from cms.documents.models import NoticePage
from cms.importer.models import ImportReport
from cms.importer.service import import_documents
from cms.units.choices import GroupKind, JurisdictionLevel
from cms.units.models import Jurisdiction, Unit, UnitGroup

SEEDS = Path(__file__).resolve().parents[3] / "content" / "seeds"

NOTICE = """\
晋政文〔2023〕7号

晋江市人民政府关于做好消防工作的通知

各镇人民政府、街道办事处，市有关单位：

现就有关事项通知如下。

附件：重点任务清单

晋江市人民政府

2023年3月1日

（此件主动公开）

附件

重点任务清单

\t项目
\t工作任务
\t责任单位

\t消防
\t1.开展消防检查
\t市消防救援大队、市应急管理局

\t消防
\t2.整治隐患
\t市应急管理局（牵头），池店镇

\t消防
\t3.宣传教育
\t各镇人民政府、街道办事处
"""


def load(text: str = NOTICE, **kwargs):
    (outcome,) = import_documents([("notice.txt", text.encode("utf-8"))], **kwargs)
    return outcome


def task_refs(notice: NoticePage) -> list[list[dict]]:
    rows = []
    for page in notice.get_descendants(inclusive=True).specific():
        for block in page.get_latest_revision_as_object().body.raw_data:
            if block["type"] == "task_list":
                rows += [[ref["value"] for ref in row["value"]["units"]] for row in block["value"]["rows"]]
    return rows


def test_loader__jurisdiction_comes_from_the_issuer(notice_index):
    notice = load().stats.notice
    assert notice.jurisdiction is not None
    assert (notice.jurisdiction.name, notice.jurisdiction.level) == ("晋江市", JurisdictionLevel.CITY)


def test_loader__roles_as_written_and_groups_for_collective_names(notice_index):
    notice = load().stats.notice
    first, second, third = task_refs(notice)
    # The source names no lead: the role stays unstated, not guessed from the order.
    assert [ref["role"] for ref in first] == ["unstated", "unstated"]
    assert [(ref["name"], ref["role"]) for ref in second] == [("市应急管理局", "lead"), ("池店镇", "support")]
    (group_ref,) = third
    assert group_ref["unit"] is None and group_ref["group"] is not None
    group = UnitGroup.objects.get(pk=group_ref["group"])
    assert group.kind == GroupKind.PLACES and group.jurisdiction == notice.jurisdiction
    assert all(Unit.objects.get(pk=ref["unit"]).jurisdiction == notice.jurisdiction for ref in first + second)


def test_loader__recipients_become_addressee_groups_on_the_live_page(notice_index):
    notice = load(publish=True).stats.notice
    live = NoticePage.objects.get(pk=notice.pk)
    assert live.live
    kinds = sorted(g.kind for g in live.addressee_groups.all())
    assert kinds == sorted([GroupKind.PLACES, GroupKind.DEPARTMENTS])
    assert sorted(g.kind for g in live.get_latest_revision_as_object().addressee_groups.all()) == kinds


def test_loader__a_recipients_list_line_seeds_the_groups_members(notice_index):
    text = NOTICE.replace(
        "（此件主动公开）\n",
        "（此件主动公开）\n\n市有关单位：市应急管理局、市消防救援大队、市教育局。\n",
    )
    notice = load(text).stats.notice
    departments = notice.addressee_groups.get(kind=GroupKind.DEPARTMENTS)
    members = set(departments.members.values_list("name", flat=True))
    assert {"市应急管理局", "市消防救援大队"} <= members


def test_loader__places_group_gets_the_towns_named_in_the_document_only_adding(notice_index):
    recipients = "各镇人民政府、街道办事处，市有关单位："
    text = NOTICE.replace(recipients, "池店镇人民政府，" + recipients)
    notice = load(text).stats.notice
    group = notice.addressee_groups.get(kind=GroupKind.PLACES)
    town = notice.addressee_units.get()
    assert list(group.members.all()) == [town]  # a 主送 town; a town only named in a task row is not taken
    editors = Unit.objects.create(name="安海镇", jurisdiction=notice.jurisdiction, kind="township")
    group.members.set([editors])  # an editor replaced the members
    group.save()
    load(text)
    group.refresh_from_db()
    assert set(group.members.all()) == {editors, town}  # the editor's member stays; the document's is added


def test_loader__reimport_keeps_the_jurisdiction_and_addressees_editors_set(notice_index):
    notice = load(publish=True).stats.notice
    other = Jurisdiction.objects.create(name="泉州市", level=JurisdictionLevel.CITY)
    extra = Unit.objects.create(name="泉州市应急管理局", jurisdiction=other)
    page = NoticePage.objects.get(pk=notice.pk)
    page.jurisdiction = other
    page.addressee_units = [extra]
    page.save_revision().publish()
    load(publish=True)
    again = NoticePage.objects.get(pk=notice.pk)
    assert again.jurisdiction == other
    assert extra in again.addressee_units.all()
    # Names now resolve in the editor's jurisdiction; what was addressed before stays.
    assert {g.jurisdiction.name for g in again.addressee_groups.all()} == {"晋江市", "泉州市"}


def test_loader__an_invalid_name_is_kept_as_text_with_a_warning(notice_index):
    """000 heads one 个性目标 with ten agencies in one line: the text stays, no unit is made of it."""
    seed = next(SEEDS.glob("000_*.txt"))
    (outcome,) = import_documents([(seed.name, seed.read_bytes())])
    run_on = [
        block["value"]
        for page in outcome.stats.notice.get_descendants().specific()
        for block in page.body.raw_data
        if block["type"] == "target_group" and "、" in block["value"]["unit_name"]
    ]
    assert run_on and all(value["unit"] is None for value in run_on)
    assert not Unit.objects.filter(name__contains="、").exists()
    assert any("未建入单位库" in w and run_on[0]["unit_name"] in w for w in outcome.stats.warnings)


def test_loader__units_created_lists_new_names_and_groups_created_are_reported(notice_index):
    outcome = load()
    assert set(outcome.stats.units_created) == set(Unit.objects.values_list("name", flat=True))
    assert sorted(outcome.stats.groups_created) == sorted(str(g) for g in UnitGroup.objects.all())
    assert "新建单位组 2 个" in outcome.report_text()
    (again,) = import_documents([("notice.txt", NOTICE.encode("utf-8"))])
    assert again.stats.units_created == [] and again.stats.groups_created == []


def test_report_page__lists_new_units_with_merge_links_and_new_groups(admin_client, notice_index):
    seed = next(SEEDS.glob("000_*.txt"))
    import_documents([(seed.name, seed.read_bytes())])
    copy = seed.read_text(encoding="utf-8").replace("晋政文〔2022〕201号", "狮政文〔2022〕88号").replace("晋江", "石狮")
    (outcome,) = import_documents([("shishi.txt", copy.encode("utf-8"))], user=None)
    jinjiang = Unit.objects.get(name="池店镇", jurisdiction__name="晋江市")
    shishi = Unit.objects.get(name="池店镇", jurisdiction__name="石狮市")
    response = admin_client.get(reverse("importer:report", args=[outcome.report.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "新建的单位和单位组" in content
    assert "池店镇（石狮市）" in content and "池店镇（晋江市）" in content
    assert f"/admin/units/merge/?keep={jinjiang.pk}&amp;absorb={shishi.pk}" in content
    assert "合并到此单位" in content
    assert "各乡镇（街道）（石狮市）" in content
    # A unit merged away since the import drops out of the offers.
    shishi.delete()
    content = admin_client.get(reverse("importer:report", args=[outcome.report.pk])).content.decode()
    assert "池店镇（石狮市）" not in content.split("新建的单位和单位组")[1].split("导入的页面")[0]


def test_report_page__without_the_merge_view_shows_the_offers_without_links(admin_client, notice_index):
    seed = next(SEEDS.glob("000_*.txt"))
    import_documents([(seed.name, seed.read_bytes())])
    copy = seed.read_text(encoding="utf-8").replace("晋政文〔2022〕201号", "狮政文〔2022〕88号").replace("晋江", "石狮")
    import_documents([("shishi.txt", copy.encode("utf-8"))])
    report = ImportReport.objects.get(source_name="shishi.txt")
    response = admin_client.get(reverse("importer:report", args=[report.pk]))
    assert response.status_code == 200
    assert "池店镇（晋江市）" in response.content.decode()
