"""Merging units moves every reference to the kept unit, in live pages and in every revision."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry, Revision

from cms.core.tasks import replace_unit_refs
from cms.documents.models import NoticePage, ResponsibilityLetterPage
from cms.ledger.models import Task, TaskProgress, TaskUnit
from cms.units.merge import merge_units
from cms.units.models import Jurisdiction, JurisdictionLevel, Unit, UnitAlias, UnitGroup
from cms.workflow.models import UnitEditorScope
from tests.factories import (
    UnitAliasFactory,
    UnitFactory,
    indicator_table,
    make_attachment,
    make_letter,
    make_notice,
    paragraph,
    target_group,
    task_list,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db) -> Jurisdiction:
    return Jurisdiction.objects.create(name="百崎回族乡", level=JurisdictionLevel.TOWNSHIP)


@pytest.fixture
def pair(town):
    keep = UnitFactory(name="区公安分局", jurisdiction=town)
    gone = UnitFactory(name="公安分局", jurisdiction=town)
    UnitAliasFactory(unit=gone, name="公安分局百崎派出所")
    UnitAliasFactory(unit=keep, name="公安分局百崎派出所")  # shared alias: stays once
    return keep, gone


def _unit_pks_in(raw: list) -> list[int]:
    found = []
    for block in raw:
        value = block["value"]
        if block["type"] == "task_list":
            found += [ref["value"]["unit"] for row in value["rows"] for ref in row["value"]["units"]]
        elif block["type"] == "target_group":
            found.append(value["unit"])
        elif block["type"] == "indicator_table":
            found += [row["value"]["unit"] for row in value["rows"]]
    return found


def _revision_body(revision: Revision) -> list:
    body = revision.content["body"]
    return json.loads(body) if isinstance(body, str) else body


def test_replace_unit_refs__rewrites_task_rows_targets_and_indicator_rows_and_counts():
    keep, gone, other = UnitFactory(name="甲局"), UnitFactory(name="乙局"), UnitFactory(name="丙局")
    raw = [
        task_list([{"task": "巡查", "units": [(gone, "lead"), (other, "support")]}]),
        target_group(gone),
        indicator_table(gone, other),
        paragraph("正文"),
    ]
    new, count = replace_unit_refs(raw, {gone.pk: keep.pk})
    assert count == 3
    assert _unit_pks_in(new) == [keep.pk, other.pk, keep.pk, keep.pk, other.pk]
    assert _unit_pks_in(raw) == [gone.pk, other.pk, gone.pk, gone.pk, other.pk]  # the input is not changed
    assert new[1]["value"]["unit_name"] == "乙局"  # the written name is the source's word


def test_replace_unit_refs__nothing_to_replace_returns_zero():
    unit = UnitFactory(name="甲局")
    raw = [task_list([{"task": "巡查", "units": [(unit, "lead")]}])]
    assert replace_unit_refs(raw, {unit.pk + 1000: unit.pk})[1] == 0


def test_merge_units__every_reference_kind_moves_and_nothing_is_lost(notice_index, pair, admin_user):
    keep, gone = pair
    child = UnitFactory(name="百崎派出所", parent=gone)
    group = UnitGroup.objects.create(name="各有关部门")
    group.members.add(gone)
    group.save()
    both_group = UnitGroup.objects.create(name="安委会各成员单位")
    both_group.members.add(keep, gone)
    both_group.save()
    scope = UnitEditorScope.objects.create(group=Group.objects.create(name="公安分局编辑"), unit=gone)

    notice = make_notice(notice_index, body=[paragraph("正文内容。")])
    notice.addressee_units.add(gone)
    notice.save_revision().publish()
    attachment = make_attachment(
        notice,
        title="重点项目清单",
        body=[
            task_list(
                [
                    {"task": "共同巡查", "units": [(keep, "lead"), (gone, "support")]},
                    {"task": "专项整治", "units": [(gone, "lead")]},
                ]
            ),
            target_group(gone),
            indicator_table(gone),
        ],
    )
    letter = make_letter(attachment, gone, title="2024年公安分局消防工作目标责任")
    row_id = Task.objects.get(task="专项整治").row_id
    TaskProgress.objects.create(row_id=row_id, unit=gone, status="in_progress", note="推进中")

    tasks_before = set(Task.objects.filter(units__in=[keep, gone]).values_list("pk", flat=True))
    assert len(tasks_before) == 4  # two rows, 个性目标, indicator row

    result = merge_units(keep, [gone], admin_user)

    assert not Unit.objects.filter(pk=gone.pk).exists()
    assert set(keep.aliases.values_list("name", flat=True)) == {"公安分局", "公安分局百崎派出所"}
    assert UnitAlias.objects.filter(unit=keep, name="公安分局百崎派出所").count() == 1
    assert set(Task.objects.filter(units=keep).values_list("pk", flat=True)) == tasks_before
    assert TaskUnit.objects.get(task__task="共同巡查").role == "lead"
    assert TaskUnit.objects.get(task__task="专项整治").unit == keep
    assert TaskProgress.objects.get(row_id=row_id).unit == keep
    letter.refresh_from_db()
    assert letter.unit == keep
    assert list(UnitGroup.objects.get(pk=group.pk).members.all()) == [keep]
    assert list(UnitGroup.objects.get(pk=both_group.pk).members.all()) == [keep]
    assert list(NoticePage.objects.get(pk=notice.pk).addressee_units.all()) == [keep]
    child.refresh_from_db()
    scope.refresh_from_db()
    assert child.parent == keep and scope.unit == keep
    attachment.refresh_from_db()
    assert set(_unit_pks_in(attachment.body.raw_data)) == {keep.pk}
    assert result.letters == 1 and result.progress == 1 and result.groups == 2 and result.page_refs == 4


def test_merge_units__revisions_and_drafts_are_rewritten(notice_index, pair, admin_user):
    keep, gone = pair
    notice = make_notice(notice_index, body=[paragraph("正文内容。")])
    notice.addressee_units.add(gone)
    notice.save_revision()
    attachment = make_attachment(notice, title="清单", body=[task_list([{"task": "巡查", "units": [(gone, "lead")]}])])
    # A draft that names the absorbed unit in a new row; publishing it later must not bring it back.
    draft = attachment.get_latest_revision_as_object()
    draft.body = [task_list([{"task": "巡查", "units": [(gone, "lead")]}, {"task": "复查", "units": [(gone, "lead")]}])]
    draft.save_revision()
    letter = make_letter(attachment, gone, title="2024年公安分局目标责任")

    merge_units(keep, [gone], admin_user)

    for revision in Revision.objects.filter(object_id=str(attachment.pk)):
        assert set(_unit_pks_in(_revision_body(revision))) == {keep.pk}
    for revision in Revision.objects.filter(object_id=str(letter.pk)):
        assert revision.content["unit"] == keep.pk
    for revision in Revision.objects.filter(object_id=str(notice.pk)):
        assert revision.content["addressee_units"] in ([], [keep.pk])
    assert Revision.objects.filter(object_id=str(notice.pk), content__addressee_units=[keep.pk]).exists()

    attachment.refresh_from_db()
    attachment.get_latest_revision().publish()
    assert {tu.unit_id for tu in TaskUnit.objects.filter(task__page=attachment)} == {keep.pk}
    assert Task.objects.filter(page=attachment).count() == 2
    assert ResponsibilityLetterPage.objects.get(pk=letter.pk).get_latest_revision_as_object().unit == keep


def test_merge_units__stronger_link_wins_on_a_task_both_carried(notice_index, pair, admin_user):
    keep, gone = pair
    group = UnitGroup.objects.create(name="各有关部门")
    notice = make_notice(notice_index, body=[paragraph("正文内容。")])
    attachment = make_attachment(notice, title="清单", body=[task_list([{"task": "巡查", "units": []}])])
    task = Task.objects.get(page=attachment)
    TaskUnit.objects.create(task=task, unit=keep, role="unstated", via_group=group)
    TaskUnit.objects.create(task=task, unit=gone, role="lead", via_group=None)

    result = merge_units(keep, [gone], admin_user)

    link = TaskUnit.objects.get(task=task)
    assert (link.unit, link.role, link.via_group) == (keep, "lead", None)
    assert result.tasks == 1


def test_merge_units__history_entry_on_the_kept_unit(pair, admin_user, admin_client):
    keep, gone = pair
    merge_units(keep, [gone], admin_user)
    entry = ModelLogEntry.objects.get(action="units.merge", object_id=str(keep.pk))
    assert entry.user == admin_user
    assert entry.data["absorbed"] == ["公安分局"]
    assert entry.label == "区公安分局"
    history = admin_client.get(f"/admin/snippets/units/unit/history/{keep.pk}/").content.decode()
    assert "合并单位" in history and "公安分局" in history


def test_merge_units__refuses_to_merge_a_unit_into_itself(pair, admin_user):
    keep, _gone = pair
    with pytest.raises(ValueError):
        merge_units(keep, [keep], admin_user)
    assert Unit.objects.filter(pk=keep.pk).exists()


def test_merge_units__kept_unit_whose_parent_is_absorbed_loses_the_parent(pair, admin_user):
    keep, gone = pair
    keep.parent = gone
    keep.save()
    merge_units(keep, [gone], admin_user)
    keep.refresh_from_db()
    assert keep.parent is None
