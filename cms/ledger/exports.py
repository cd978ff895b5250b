"""Admin ledger downloads: the filtered item list as BOM CSV or XLSX, named after the filter."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone

from cms.ledger.tables import build_ledger, ledger_file_name, write_csv, write_xlsx
from cms.units.models import Unit

from .models import ProgressStatus, Task


def task_record(task: Task, url: str = "") -> dict[str, Any]:
    page = task.page
    return {
        "row_id": task.row_id,
        "kind": task.kind,
        "year": task.year,
        "doc_number": task.notice.doc_number,
        "doc_title": task.notice.title,
        "attachment": "" if page.pk == task.notice_id else page.title,
        "topic": task.topic,
        "task": task.task,
        "detail": task.detail,
        "target_value": task.target_value,
        "deadline_text": task.deadline_text,
        "due_date": task.due_date,
        "checkpoints": list(task.checkpoints or []),
        "lead_units": task.lead_units(),
        "support_units": task.support_units(),
        "units_text": task.units_text,
        "progress_status": task.get_status_display(),
        "progress_note": task.status_note,
        "progress_date": task.status_date,
        "url": url,
    }


def filter_labels(params: Mapping[str, str]) -> list[str]:
    """The Chinese words of the admin list filters in ``params`` (year, unit, kind, status, 逾期)."""
    labels: list[str] = []
    year = (params.get("year") or params.get("year__exact") or "").strip()
    if year.isdigit():
        labels.append(f"{year}年")
    unit = (params.get("unit") or "").strip()
    if unit.isdigit():
        name = Unit.objects.filter(pk=int(unit)).values_list("name", flat=True).first()
        if name:
            labels.append(name)
    kind = (params.get("kind") or params.get("kind__exact") or "").strip()
    if kind:
        labels.append(kind)
    status = (params.get("status") or params.get("status__exact") or "").strip()
    if status in ProgressStatus.values:
        labels.append(ProgressStatus(status).label)
    if params.get("overdue") == "yes":
        labels.append("逾期")
    return labels


def ledger_response(
    tasks: Iterable[Task], fmt: str, base_url: str = "", params: Mapping[str, str] | None = None
) -> FileResponse:
    tasks = list(tasks)
    records = [task_record(task, base_url + reverse("wagtailadmin_pages:edit", args=[task.page_id])) for task in tasks]
    frame = build_ledger(records, as_of=timezone.localdate())
    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(frame, buffer)
        content_type = "text/csv; charset=utf-8"
    else:
        write_xlsx(frame, buffer)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buffer.seek(0)
    labels = filter_labels(params or {})
    name = ledger_file_name(labels or [f"全部-{timezone.localdate():%Y%m%d}"], fmt)
    # Django writes both an ASCII fallback and the RFC 5987 UTF-8 name (filename*=utf-8'').
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=content_type)
