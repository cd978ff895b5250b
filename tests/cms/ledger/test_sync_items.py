"""The admin index holds every tracked item of a live page, dated from its document's context."""

from __future__ import annotations

from datetime import date

import pytest

from cms.ledger.models import Task
from tests.factories import (
    UnitFactory,
    heading,
    indicator_table,
    make_attachment,
    make_letter,
    make_notice,
    paragraph,
    target_group,
    task_list,
)

pytestmark = pytest.mark.django_db


def test_sync__targets_and_indicator_cells_are_tracked_and_due_at_year_end(notice_index) -> None:
    town = UnitFactory(name="东石镇")
    notice = make_notice(notice_index, title="关于下达2024年度安全生产和消防工作目标责任的通知", year=2024)
    make_attachment(
        notice,
        title="2024年度安全生产和消防工作目标责任",
        body=[
            heading("共性目标"),
            paragraph("强化监管。落实责任。", level=2),
            target_group(town),
            indicator_table(town),
        ],
    )
    by_kind = {task.kind: task for task in Task.objects.all()}
    assert set(by_kind) == {"共性目标", "个性目标", "指标"}
    assert all(task.due_date == date(2024, 12, 31) and task.year == 2024 for task in by_kind.values())
    assert list(by_kind["个性目标"].units.all()) == [town]
    assert list(by_kind["指标"].units.all()) == [town] and by_kind["指标"].target_value == 5
    # 共性目标 reach the notice's addressees (wip/units); here they carry no unit of their own.
    assert list(by_kind["共性目标"].units.all()) == []


def test_sync__cover_notice_points_are_not_targets_once_it_has_attachments(notice_index) -> None:
    notice = make_notice(notice_index, body=[paragraph("精心组织实施。", level=1)])
    assert Task.objects.filter(page=notice).count() == 1  # alone, the notice is the target document
    make_attachment(notice, title="目标责任", body=[paragraph("火灾防控目标。", level=1)])
    assert Task.objects.filter(page=notice).count() == 0
    assert Task.objects.filter(kind="共性目标").count() == 1


def test_sync__plan_without_year_gets_year_and_period_from_its_text(notice_index) -> None:
    unit = UnitFactory(name="乡安办")
    notice = make_notice(
        notice_index, title="消防安全治本攻坚三年行动重点项目清单", doc_number="", year=None, body=[paragraph("说明")]
    )
    make_attachment(
        notice,
        title="重点项目清单",
        body=[
            task_list(
                [
                    {
                        "task": "建立微型消防站",
                        "detail": "2024年建成85%；2025年底前全部建成。",
                        "units": [(unit, "lead")],
                    },
                    {"task": "分析研判", "deadline": "每季度末24日前", "units": [(unit, "lead")]},
                    {"task": "宣传教育", "deadline": "长期坚持", "units": [(unit, "lead")]},
                    {"task": "整治隐患", "units": [(unit, "lead")]},
                ]
            )
        ],
    )
    rows = {task.task: task for task in Task.objects.all()}
    assert {task.year for task in rows.values()} == {2024}
    assert rows["建立微型消防站"].due_date == date(2025, 12, 31)
    assert rows["建立微型消防站"].checkpoints == ["2024-12-31"]
    assert rows["分析研判"].checkpoints[:2] == ["2024-03-24", "2024-06-24"] and len(rows["分析研判"].checkpoints) == 12
    assert rows["宣传教育"].next_checkpoint(date(2025, 5, 1)) == date(2025, 6, 30)
    assert rows["整治隐患"].due_date == date(2026, 12, 31) and rows["整治隐患"].due_basis == "方案期限"


def test_sync__letter_paragraphs_are_the_letters_units_targets(notice_index) -> None:
    town = UnitFactory(name="岩前镇")
    notice = make_notice(notice_index, title="2023年目标责任书", year=2023)
    parent = make_attachment(notice, title="2023年各乡镇目标责任书", body=[paragraph("共同条款。", level=2)])
    make_letter(parent, town, body=[paragraph("火灾防控目标。不发生较大火灾。", level=2)])
    letter_item = Task.objects.get(kind="个性目标")
    assert list(letter_item.units.all()) == [town]
    assert letter_item.due_date == date(2023, 12, 31)
