"""Admin screens of 年度考核: the ranking, one unit's score sheet, and generating the 通报 draft.

Only the office (central users who may review the ledger) assesses; a unit
editor may open their own unit's score sheet.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from cms.ledger.models import Task, TaskProgress
from cms.workflow.scopes import can_review, scoped_unit_ids

from .models import AssessmentScheme
from .services import AssessmentError, assess, generate_result_notice


def _scheme(pk: int) -> AssessmentScheme:
    return get_object_or_404(AssessmentScheme.objects.select_related("notice", "result_notice"), pk=pk)


def ranking_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_review(request.user):
        raise PermissionDenied("只有办公室可以查看考核排名。")
    scheme = _scheme(pk)
    assessment = assess(scheme)
    rows = [(sheet, assessment.unit_name(sheet)) for sheet in assessment.sheets]
    return TemplateResponse(
        request,
        "assessment/ranking.html",
        {"scheme": scheme, "rows": rows, "grades": assessment.grades(), "page_title": "考核排名"},
    )


def sheet_view(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    scheme = _scheme(pk)
    unit_ids = scoped_unit_ids(request.user)
    if not (can_review(request.user) or (unit_ids is not None and unit_pk in unit_ids)):
        raise PermissionDenied("没有查看该单位考核表的权限。")
    assessment = assess(scheme)
    sheet = assessment.sheet_for(unit_pk)
    if sheet is None:
        raise Http404("该单位不在本次考核中。")
    row_ids = [line.item.row_id for line in sheet.lines]
    tasks = {t.row_id: t for t in Task.objects.filter(notice=scheme.notice, row_id__in=row_ids)}
    evidence: dict[str, list[Any]] = {}
    for progress in TaskProgress.objects.filter(row_id__in=row_ids).prefetch_related(
        "evidence_documents", "evidence_images"
    ):
        evidence.setdefault(progress.row_id, []).extend(
            [*progress.evidence_documents.all(), *progress.evidence_images.all()]
        )
    lines = [(line, tasks.get(line.item.row_id), evidence.get(line.item.row_id, [])) for line in sheet.lines]
    return TemplateResponse(
        request,
        "assessment/sheet.html",
        {
            "scheme": scheme,
            "sheet": sheet,
            "unit": assessment.units[unit_pk],
            "lines": lines,
            "page_title": f"{assessment.units[unit_pk].name}考核表",
        },
    )


@require_POST
def generate_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_review(request.user):
        raise PermissionDenied("只有办公室可以生成考核结果通报。")
    scheme = _scheme(pk)
    try:
        page = generate_result_notice(scheme, request.user)
    except AssessmentError as error:
        messages.error(request, str(error))
        return redirect(reverse("assessment:ranking", args=[scheme.pk]))
    messages.success(request, f"已生成草稿“{page.title}”，请核对后提交审核。")
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
