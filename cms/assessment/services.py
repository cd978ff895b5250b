"""From the ledger to score sheets, and from score sheets to the draft 考核结果通报.

The data read here (items, their units, the date each was closed) is turned
into plain :mod:`cms.assessment.scoring` inputs; everything else is the pure
scoring function. The 通报 is created as a *draft* NoticePage beside the
original notice, so it goes through the same 起草 → 审核 → 签发 workflow and,
once published, reaches the public site like any other notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cms.core.blocks import plain_to_richtext
from cms.documents.models import Disclosure, NoticePage
from cms.ledger.models import ProgressStatus, Task, TaskProgress
from cms.units.models import Unit

from .models import AssessmentScheme
from .scoring import Item, UnitScore, by_grade, score_units

TITLE = "关于{year}年度安全生产和消防工作目标责任考核结果的通报"


class AssessmentError(Exception):
    """The assessment cannot be carried out; the message is for the editor."""


def closing_dates(row_ids: list[str]) -> dict[str, date]:
    """The date each item was last closed (销号), for items whose latest record is 销号."""
    latest: dict[str, TaskProgress] = {}
    for progress in TaskProgress.objects.filter(row_id__in=row_ids).order_by("reported_on", "created_at", "pk"):
        latest[progress.row_id] = progress
    return {row_id: p.reported_on for row_id, p in latest.items() if p.status == ProgressStatus.CLOSED}


def year_end(notice: NoticePage) -> date | None:
    return date(notice.year, 12, 31) if notice.year else None


def scheme_items(scheme: AssessmentScheme) -> list[Item]:
    """The notice's ledger items as scoring inputs (an item without a date is due at the year's end)."""
    tasks = list(
        Task.objects.filter(notice=scheme.notice).prefetch_related("task_units").order_by("page__path", "position")
    )
    closed = closing_dates([t.row_id for t in tasks])
    default_due = year_end(scheme.notice)
    return [
        Item(
            row_id=task.row_id,
            title=(task.task or task.detail)[:80],
            due_date=task.due_date or default_due,
            unit_ids=tuple(sorted(link.unit_id for link in task.task_units.all())),
            closed_on=closed.get(task.row_id),
        )
        for task in tasks
    ]


@dataclass
class Assessment:
    scheme: AssessmentScheme
    sheets: list[UnitScore]
    units: dict[int, Unit]

    def unit_name(self, sheet: UnitScore) -> str:
        return self.units[sheet.unit_id].name

    def grades(self) -> dict[str, list[str]]:
        return {grade: [self.unit_name(s) for s in sheets] for grade, sheets in by_grade(self.sheets).items()}

    def sheet_for(self, unit_id: int) -> UnitScore | None:
        return next((s for s in self.sheets if s.unit_id == unit_id), None)


def assess(scheme: AssessmentScheme) -> Assessment:
    sheets = score_units(scheme_items(scheme), scheme.weight_map(), scheme.thresholds, scheme.late_factor)
    units = Unit.objects.in_bulk([s.unit_id for s in sheets])
    return Assessment(scheme, sheets, units)


def _paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": {"level": 0, "text": plain_to_richtext(text)}}


def result_body(assessment: Assessment, office: str) -> list[dict[str, Any]]:
    notice = assessment.scheme.notice
    basis = f"《{notice.title}》" + (f"（{notice.doc_number}）" if notice.doc_number else "")
    year = notice.year
    body = [
        _paragraph(
            f"根据{basis}，{office}对{len(assessment.sheets)}个责任单位{year}年度安全生产和消防工作目标责任"
            "完成情况进行了考核。按期销号的事项得满分，逾期销号的事项按比例得分，未销号的事项不得分。现将考核结果通报如下："
        )
    ]
    for grade, names in assessment.grades().items():
        listed = "、".join(names) if names else "无"
        body.append(_paragraph(f"{grade}（{len(names)}个）：{listed}。"))
    body.append(
        _paragraph(
            "希望受到表彰的单位再接再厉；考核等次为不合格的单位要认真查找差距，"
            "逐项整改未销号事项，确保安全生产和消防工作目标责任落到实处。"
        )
    )
    return body


@transaction.atomic
def generate_result_notice(scheme: AssessmentScheme, user: Any = None, on: date | None = None) -> NoticePage:
    """Create (or refresh, while still a draft) the 考核结果通报 beside the original notice."""
    notice = scheme.notice
    if not notice.year:
        raise AssessmentError(f"“{notice.title}”没有年度，无法生成考核结果通报。")
    assessment = assess(scheme)
    if not assessment.sheets:
        raise AssessmentError(f"“{notice.title}”的任务台账中没有责任单位，无法考核。")
    office = scheme.signature or notice.signature or notice.issuer
    names = [assessment.unit_name(s) for s in sorted(assessment.sheets, key=lambda s: assessment.unit_name(s))]
    fields = {
        "title": TITLE.format(year=notice.year),
        "issuer": notice.issuer,
        "recipients": "、".join(names) + "：",
        "signature": office,
        "written_date": on or timezone.localdate(),
        "year": notice.year,
        "topic": notice.topic,
        "disclosure": Disclosure.PUBLIC,
        "body": result_body(assessment, office),
    }
    # Read afresh: the scheme may hold a copy from before the 通报 was published.
    page = NoticePage.objects.filter(pk=scheme.result_notice_id).first() if scheme.result_notice_id else None
    if page is not None and page.live:
        raise AssessmentError("考核结果通报已发布，不能再重新生成。")
    if page is None:
        page = NoticePage(live=False, **fields)
        notice.get_parent().add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision(user=user, log_action=True)
    scheme.result_notice = page
    scheme.save(update_fields=["result_notice"])
    return page
